"""The settlement slip (结算单): one page that shows the patient how the bill was split.

Rendered from the settlement result (the JSON contract of DESIGN.md 4.1) into a QTextDocument
and printed to a PDF file or a real printer through QPrinter. The slip is an official Chinese
document, so its text is Chinese whatever the interface language.
"""

from __future__ import annotations

import datetime as dt
import html
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ..app import Desk, amount_in_words
from ..app.code_names import level_name
from ..app.private_files import private_output
from .messages import long_moment_text, moment_text, readable_warning
from .paged_print import paint_pages

# 结算信息: the figures of both slips, in their order (the outpatient slip, ui.outpatient_slip, shows
# the same ones); the inpatient slip ends the table with the cash paid (_INPATIENT_FIGURES).
_FIGURES = (
    ("medfee_sumamt", "医疗费用总额"),
    ("fulamt_ownpay_amt", "全自费金额（丙类及目录外）"),
    ("overlmt_selfpay", "超限价自费"),
    ("preselfpay_amt", "乙类先行自付"),
    ("inscp_scp_amt", "政策范围内费用"),
    ("act_pay_dedc", "起付线"),
    ("hifp_pay", "基本医保统筹支付"),
    ("pool_prop_selfpay", "统筹段个人自付"),
    ("hifmi_pay", "大病保险支付"),
    ("maf_pay", "医疗救助支付"),
    ("fund_pay_sumamt", "基金支付合计"),
    ("psn_part_amt", "个人负担合计"),
)
_INPATIENT_FIGURES = (*_FIGURES, ("psn_cash_pay", "个人现金支付"))


@dataclass(slots=True)
class SlipInfo:
    hospital_name: str
    fixmedins_code: str
    psn_name: str
    certno_masked: str
    psn_no: str
    insutype: str
    mdtrt_id: str
    begntime: str
    endtime: str
    hosp_lv: int
    local_id: int
    queue_no: str
    state: str                      # provisional | final
    operator: str
    printed_at: str
    result: dict[str, Any]
    setl_id: str = ""
    assistance_group_name: str = ""
    reprint: bool = False
    notes: list[str] = field(default_factory=list)
    settlement_no: str = ""         # unique across desks: the site's message id of the settlement
    settled_at: str = ""
    days: int | None = None
    dept: str = ""
    diagnosis: str = ""
    fee_categories: list[tuple[str, str]] = field(default_factory=list)
    reversal: dict[str, Any] | None = None
    payment: dict[str, str] | None = None   # method_name, tendered, change, cashier
    insutype_name: str = ""                 # codes in words (app.code_names)
    psn_type_name: str = ""
    region_name: str = ""
    doctor: str = ""
    period_text: str = ""                   # a period of a stay settled in periods: 中途结算（第 n 段：起—止）
    med_type: str = ""                      # an outpatient visit (11, 14): the 门诊 slip (ui.outpatient_slip)
    med_type_name: str = ""
    dise_codg: str = ""                     # 门诊慢特病: the disease
    dise_name: str = ""


def _e(text: object) -> str:
    return html.escape(str(text))


# Steps of the rules' explanation that only say a fund paid nothing are left off the slip.
_FUND_STEPS = ("hifp_pay", "hifmi_pay", "maf_pay", "maf2_pay")


def _explain_items(result: dict[str, Any]) -> list[str]:
    """The explanation as the patient reads it: what each step leaves to them, no 0.00 fund steps,
    and last a sum of what they carry."""
    steps = [s for s in result.get("explain", [])
             if not (s.get("step") in _FUND_STEPS and Decimal(str(s.get("amount") or "0")) == 0)]
    items = [_e(s["text"]) for s in steps if s.get("step") != "psn_cash_pay"]
    setlinfo = result["setlinfo"]
    parts = [(label, Decimal(str(setlinfo.get(key) or "0"))) for key, label in (
        ("fulamt_ownpay_amt", "自费项目"), ("overlmt_selfpay", "超限价部分"), ("preselfpay_amt", "乙类先行自付"),
        ("act_pay_dedc", "起付线"), ("pool_prop_selfpay", "统筹段个人自付"))]
    carried = [f"{label} {amount:,.2f}" for label, amount in parts if amount]
    maf = Decimal(str(setlinfo.get("maf_pay") or "0"))
    cash = Decimal(str(setlinfo["psn_cash_pay"]))
    if carried:
        line = "您本次应承担：" + " ＋ ".join(carried) + " 元"
        if maf:
            line += f"，其中医疗救助为您支付 {maf:,.2f} 元"
        items.append(_e(line + f"；您实际现金支付 {cash:,.2f} 元。"))
    else:
        items.append(_e(f"您实际现金支付 {cash:,.2f} 元。"))
    return items


def _period_line(info: SlipInfo) -> str:
    """A period of a stay settled in periods, under the title: 中途结算（第 n 段：起—止）."""
    if not info.period_text:
        return ""
    return f'<p align="center" style="font-size:11pt;font-weight:bold;margin:0 0 2px 0">{_e(info.period_text)}</p>'


def _reversal_mark(info: SlipInfo) -> str:
    rev = info.reversal
    if not rev:
        return ""
    return (
        '<table width="100%" cellpadding="2" style="border:3px solid #c00000"><tr><td align="center" '
        'style="color:#c00000"><span style="font-size:14pt;font-weight:bold">已冲正 · 本结算单作废</span><br/>'
        f'<span style="font-size:8.5pt">冲正时间 {_e(moment_text(rev["created_at"]))}　冲正流水号 {_e(rev["local_id"])}'
        f'　原因：{_e(rev["reason"])}　费用已按下方退费凭证退还</span></td></tr></table>'
    )


def _refund_voucher(info: SlipInfo) -> str:
    rev = info.reversal
    if not rev:
        return ""
    refund = Decimal(str(rev["refund"]))
    return f"""<p style="font-size:8pt;color:#888;margin:4px 0 0 0" align="center">－－－－－－－－－－－－－－－－ 沿此线剪开 －－－－－－－－－－－－－－－－</p>
<h3 align="center" style="margin:0">退费凭证</h3>
<table width="100%" border="1" cellspacing="0" cellpadding="2" style="font-size:9pt;border-collapse:collapse">
<tr><td width="57%">定点医疗机构：{_e(info.hospital_name)}（{_e(info.fixmedins_code)}）</td><td>退费单号：{_e(rev["settlement_no"])}</td></tr>
<tr><td>姓名：{_e(info.psn_name)}　证件号码：{_e(info.certno_masked)}</td><td>原结算单号：{_e(info.settlement_no)}</td></tr>
<tr><td>冲正时间：{_e(moment_text(rev["created_at"]))}　冲正原因：{_e(rev["reason"])}</td>
<td>退款方式：{_e(rev.get("method_name") or "现金")}　退款人：{_e(rev.get("paid_by") or "")}</td></tr>
<tr><td colspan="2"><b style="font-size:11pt">退还个人现金：{_e(f"{refund:.2f}")} 元　大写：{_e(amount_in_words(refund))}</b>
<span style="font-size:8pt">　医保基金支付部分已同时冲回，本次住院的年度累计（起付线、封顶线）随之恢复。</span></td></tr>
</table>
<p style="font-size:9pt;margin:3px 0 0 0">批准人：{_e(rev["approver"])}　　退款人签字：＿＿＿＿＿＿　　患者（家属）签收：＿＿＿＿＿＿＿＿</p>"""


def _payment_lines(info: SlipInfo) -> str:
    """How the patient paid: method, amount tendered and change (找零), under the cash due."""
    paid = info.payment
    if not paid:
        return ""
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" style="font-size:9.5pt;border-collapse:collapse">'
        f"<tr><td>支付方式：<b>{_e(paid.get('method_name', ''))}</b></td>"
        f"<td>实收金额：<b>{_e(paid.get('tendered', ''))}</b> 元</td>"
        f"<td>找零：<b>{_e(paid.get('change', ''))}</b> 元</td>"
        f"<td>收款人：{_e(paid.get('cashier', ''))}</td></tr></table>"
    )


def _pairs(items: list[tuple[str, str]], columns: int) -> str:
    """Label/amount pairs laid out ``columns`` to a row (blank cells fill the last row)."""
    cells = [f"<td>{_e(label)}</td><td align='right'>{_e(amount)}</td>" for label, amount in items]
    while len(cells) % columns:
        cells.append("<td></td><td></td>")
    return "".join(f"<tr>{''.join(cells[i:i + columns])}</tr>" for i in range(0, len(cells), columns))


def _head_row(columns: int, label: str) -> str:
    return "<tr>" + f"<th align='left'>{label}</th><th align='right'>金额（元）</th>" * columns + "</tr>"


_TABLE = "width='100%' border='1' cellspacing='0' cellpadding='2' style='font-size:9pt;border-collapse:collapse'"
_SECTION = "style='font-size:9pt;margin:3px 0 1px 0'"


def _who_rows(info: SlipInfo) -> list[tuple[str, str]]:
    """The first rows of both slips' headers (the outpatient one: ui.outpatient_slip): the hospital
    and the slip's number, the person (ID masked), how and where insured (codes as words,
    app.code_names)."""
    insured = [f"险种：{_e(info.insutype_name or info.insutype)}"]
    if info.psn_type_name:
        insured.append(f"人员类别：{_e(info.psn_type_name)}")
    place = [f"参保地：{_e(info.region_name)}"] if info.region_name else []
    if info.assistance_group_name:
        place.append(f"救助类别：{_e(info.assistance_group_name)}")
    return [
        (f"定点医疗机构：{_e(info.hospital_name)}（{_e(info.fixmedins_code)}）",
         f"结算单号：{_e(info.settlement_no or info.local_id)}"),
        (f"姓名：<b>{_e(info.psn_name)}</b>　证件号码：{_e(info.certno_masked)}",
         f"人员编号：{_e(info.psn_no)}　本机流水号：{_e(info.local_id)}"),
        ("　".join(insured), "　".join(place)),
    ]


def _settled_text(info: SlipInfo) -> str:
    return f"结算时间：{_e(moment_text(info.settled_at))}" + (
        f"　医保结算号：{_e(info.setl_id)}" if info.setl_id else "")


def _header_table(rows: list[tuple[str, str]], left_width: str) -> str:
    """A header's rows in two columns, the left one ``left_width`` of the page wide."""
    body = "".join(f"<tr><td width='{left_width}'>{left}</td><td>{right}</td></tr>" for left, right in rows)
    return f"<table width='100%' cellspacing='0' cellpadding='1' style='font-size:9pt'>{body}</table>"


def _patient_header(info: SlipInfo) -> str:
    """Who, which stay, where insured: two columns, codes as words (app.code_names)."""
    days = f"　共 {info.days} 天" if info.days else ""
    stay = [f"住院号：{_e(info.mdtrt_id)}"]
    if info.dept:
        stay.append(f"科室：{_e(info.dept)}")
    if info.doctor:
        stay.append(f"主治医师：{_e(info.doctor)}")
    if info.hosp_lv:
        stay.append(f"医院等级：{_e(level_name(info.hosp_lv))}")
    return _header_table([
        *_who_rows(info),
        ("　".join(stay), f"住院日期：{_e(info.begntime)} 至 {_e(info.endtime)}{_e(days)}"),
        (f"出院诊断：{_e(info.diagnosis or '—')}", _settled_text(info)),
    ], "57%")


def slip_html(info: SlipInfo) -> str:
    result = info.result
    setlinfo = result["setlinfo"]
    policy = result["policy"]
    cash = setlinfo["psn_cash_pay"]
    provisional = info.state != "final"
    title = "住院费用结算单" + ("（离线结算·暂定）" if provisional else "")
    mark = ""
    if provisional:
        mark = (
            f'<p style="color:#b00000;font-size:11pt;font-weight:bold;margin:2px 0">'
            f"离线结算 暂定结果　排队号 {_e(info.queue_no)}"
            f'<span style="font-size:8.5pt;font-weight:normal">　联网后由医保中心复核，如有差额将通知补费或退费。</span></p>'
        )
    figures = _pairs([(label, str(setlinfo[key])) for key, label in _INPATIENT_FIGURES], 3)
    categories = _pairs(list(info.fee_categories), 3)
    funds = _pairs([(str(d["fund_pay_type_name"]), str(d["fund_payamt"])) for d in result.get("setldetail", [])], 2)
    explain = "".join(f"<li>{item}</li>" for item in _explain_items(result))
    warnings = "".join(f"<li>{_e(readable_warning(w))}</li>" for w in result.get("warnings", []))
    reprint = "<span style='color:#555'>（补打）</span>" if info.reprint else ""
    cashier = (info.payment or {}).get("cashier") or "＿＿＿＿＿＿＿＿"
    return f"""<html><body style="font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif">
<h2 align="center" style="margin:0 0 2px 0">{_e(title)}{reprint}</h2>
{_period_line(info)}{_reversal_mark(info)}{mark}{_patient_header(info)}
<p {_SECTION}><b>费用分类</b></p>
<table {_TABLE}>{_head_row(3, "类别")}{categories}</table>
<p {_SECTION}><b>结算信息</b></p>
<table {_TABLE}>{_head_row(3, "项目")}{figures}</table>
<p style="font-size:12pt;margin:3px 0 2px 0"><b>个人现金支付：{_e(cash)} 元　大写：{_e(amount_in_words(Decimal(cash)))}</b></p>
{_payment_lines(info)}
<p {_SECTION}><b>基金支付</b></p>
<table {_TABLE}>{_head_row(2, "基金名称")}{funds}</table>
<p {_SECTION}><b>计算说明</b></p><ol style="font-size:8pt;margin-top:0;margin-bottom:0">{explain}</ol>
{'<p ' + _SECTION + '><b>提示</b></p><ul style="font-size:8pt;margin-top:0;margin-bottom:0">' + warnings + '</ul>'
 if warnings else ''}
<table width="100%" cellspacing="0" cellpadding="3" style="font-size:9pt;margin-top:4px"><tr>
<td valign="bottom"><span style="font-size:7.5pt;color:#444">政策包：{_e(policy['id'])}　版本 {_e(policy['version'])}
　校验码 {_e(policy['sha256'][:16])}…　打印时间：{_e(info.printed_at)}</span><br/><br/>
经办人：{_e(info.operator)}　　收款人：{_e(cashier)}<br/><br/>患者（家属）签字：＿＿＿＿＿＿＿＿</td>
<td width="150" height="75" align="center" valign="middle" style="border:1px dashed #888;color:#888">
医疗机构（盖章）</td></tr></table>
{_refund_voucher(info)}
</body></html>"""


def slip_document(info: SlipInfo) -> QTextDocument:
    doc = QTextDocument()
    if info.med_type_name:  # an outpatient visit
        from .outpatient_slip import outpatient_slip_html

        doc.setHtml(outpatient_slip_html(info))
    else:
        doc.setHtml(slip_html(info))
    return doc


def _a4_layout(printer: QPrinter) -> None:
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(12, 8, 12, 8), QPageLayout.Unit.Millimeter))


def running_header(info: SlipInfo) -> str:
    """What every page after the first carries at its top: which slip, whose (ID masked)."""
    title = "门诊费用结算单" if info.med_type_name else "住院费用结算单"
    return (f"{title}（续）　结算单号：{info.settlement_no or info.local_id}　"
            f"姓名：{info.psn_name}　证件号码：{info.certno_masked}")


def print_to_pdf(info: SlipInfo, path: str | Path) -> Path:
    """Write the slip as a PDF file (the PDF 'printer' for desks without one, and for archiving),
    readable by this user only from its first byte (app.private_files)."""
    path = Path(path)
    with private_output(path) as tmp:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp))
        _a4_layout(printer)
        paint_pages(slip_document(info), printer, running_header(info))
    return path


def print_to_printer(info: SlipInfo, printer: QPrinter) -> None:
    _a4_layout(printer)
    paint_pages(slip_document(info), printer, running_header(info))


def slip_info_from(data: dict[str, Any], printed_at: str, reprint: bool) -> SlipInfo:
    return SlipInfo(
        hospital_name=data["hospital_name"], fixmedins_code=data["fixmedins_code"], psn_name=data["psn_name"],
        certno_masked=data["certno_masked"], psn_no=data["psn_no"], insutype=data["insutype"],
        mdtrt_id=data["mdtrt_id"], begntime=data["begntime"], endtime=data["endtime"], hosp_lv=data["hosp_lv"],
        local_id=data["local_id"], queue_no=data["queue_no"], state=data["state"], operator=data["operator"],
        printed_at=printed_at, result=data["result"], reprint=reprint,
        assistance_group_name=data.get("assistance_group_name", ""), insutype_name=data.get("insutype_name", ""),
        psn_type_name=data.get("psn_type_name", ""), region_name=data.get("region_name", ""),
        doctor=data.get("doctor", ""),
        settlement_no=data.get("settlement_no", ""), settled_at=data.get("settled_at", ""),
        days=data.get("days"), dept=data.get("dept", ""), diagnosis=data.get("diagnosis", ""),
        fee_categories=list(data.get("fee_categories", [])), reversal=data.get("reversal"),
        period_text=data.get("period_text", ""),
        payment=data.get("payment"), med_type=data.get("med_type", ""), med_type_name=data.get("med_type_name", ""),
        dise_codg=data.get("dise_codg", ""), dise_name=data.get("dise_name", ""),
    )


def produce_slip(desk: Desk, local_id: int, operator: str, *, reprint: bool, target: str | Path | None = None,
                 printer_name: str = "") -> str:
    """Read one settlement's slip (the print is audited) and print it, or write it as a PDF.

    Blocking: run it in a worker (painting on a QPrinter is allowed off the GUI thread).
    Returns the printer's name or the PDF's path.
    """
    data = desk.slip_data(local_id, operator, reprint=reprint)
    info = slip_info_from(data, long_moment_text(dt.datetime.now()), reprint)
    if printer_name and target is None:
        print_to_printer(info, QPrinter(QPrinterInfo.printerInfo(printer_name), QPrinter.PrinterMode.HighResolution))
        return printer_name
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
    else:
        path = desk.slip_path(f"slip-{local_id}{'-reprint' if reprint else ''}.pdf")
    return str(print_to_pdf(info, path))


def write_slip_pdf(desk: Desk, local_id: int, printed_by: str, path: str | Path) -> Path:
    """The slip of one settlement reprinted to a PDF file from the database, outside the window
    (`hospital-client slip`): off screen unless a display is set; the file is made 0600."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .application import make_application

    make_application()
    return Path(produce_slip(desk, local_id, printed_by, reprint=True, target=path))
