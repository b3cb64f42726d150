"""The reference data a site settles with: the catalogue and the policy packs.

    1312  医保目录信息查询             catalogue_query      a page of catalogue lines
    9501  政策包下载（扩展）           pack_download        the pack list, or one pack's file
    9503  医保目录整包下载（扩展）     catalogue_download   the whole catalogue file (unless unchanged)

The roster (9502) is in identity.py.
"""

from __future__ import annotations

import base64
from typing import Any

from ..protocol import NotFound
from .context import Central, Context
from .fields import input_data, int_field, text_field


def catalogue_query(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    page_num = int_field(data, "page_num", 1, low=1, high=1_000_000)
    page_size = int_field(data, "page_size", 100, low=1, high=1000)
    rows, total = central.store.query_catalog(
        code=text_field(data, "med_list_codg"), name=text_field(data, "name"),
        list_type=text_field(data, "list_type"), offset=(page_num - 1) * page_size, limit=page_size)
    blob = central.store.get_catalog()
    return {"data": rows, "page_num": page_num, "page_size": page_size, "total": total,
            "pages": (total + page_size - 1) // page_size, "sha256": blob.sha256 if blob else ""}


def catalogue_download(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    blob = central.store.get_catalog()
    if blob is None:
        raise NotFound("中心系统尚未载入医保目录")
    out: dict[str, Any] = {"sha256": blob.sha256, "source_name": blob.source_name, "size": len(blob.data),
                           "items": len(central.loaded_catalog())}
    if text_field(data, "known_sha256") == blob.sha256:
        return {**out, "unchanged": True}
    return {**out, "unchanged": False, "bytes_base64": base64.b64encode(blob.data).decode("ascii")}


def pack_download(central: Central, ctx: Context, input_: dict[str, Any]) -> dict[str, Any]:
    data = input_data(input_, required=False)
    wanted = text_field(data, "id")
    blobs = central.store.list_packs()
    if not wanted:
        by_id = central.packs_of(blobs)
        listing = []
        for blob in blobs:
            info = by_id[blob.id].model.pack
            listing.append({"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                            "source_name": blob.source_name, "name": info.name,
                            "valid_from": info.valid_from.isoformat(), "valid_to": info.valid_to.isoformat(),
                            "admdvs": info.admdvs, "insutypes": info.insutypes, "size": len(blob.data)})
        return {"packs": listing}
    for blob in blobs:
        if blob.id == wanted:
            return {"id": blob.id, "version": blob.version, "sha256": blob.sha256,
                    "source_name": blob.source_name, "size": len(blob.data),
                    "bytes_base64": base64.b64encode(blob.data).decode("ascii")}
    raise NotFound(f"中心系统没有政策包 {wanted}")
