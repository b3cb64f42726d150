"""What the central-system client raises, in one place (the wire protocol's own refusals are in
``protocol``; a refusal reaches the caller as ``CentralRefused`` carrying the typed one).

    SyncError                   base; ``str(exc)`` English for logs and the CLI, ``exc.zh`` for the desk
    ├── NotConfigured           no site file or no server_url: the demo site, or setup not run
    ├── CredentialsMissing      the site secret is not in the OS keyring (run setup)
    ├── CredentialsUnavailable  no usable OS keyring on this machine
    ├── CentralUnreachable      connect errors, timeouts, 429 or 5xx after the retries ran out
    ├── CentralRefused          the central system refused the message (infcode, err_msg, protocol_error)
    ├── BadAnswer               an answer the client cannot use (not an envelope, missing fields)
    ├── DrainBusy               another drain of the same database is running
    └── PulledDataRejected      a pulled pack or catalogue failed its sha256 or its validation

None of the messages contains a name, an ID number or the site secret.
"""

from __future__ import annotations

from .. import protocol as p

__all__ = [
    "BadAnswer",
    "CentralRefused",
    "CentralUnreachable",
    "CredentialsMissing",
    "CredentialsUnavailable",
    "DrainBusy",
    "NotConfigured",
    "PulledDataRejected",
    "SyncError",
]


class SyncError(Exception):
    """Base class of the sync's errors."""

    zh = "与医保中心同步未完成。"


class NotConfigured(SyncError):
    zh = "本机未配置医保中心地址（演示站点或尚未运行 setup），只能离线结算。"


class CredentialsMissing(SyncError):
    zh = "本机的系统钥匙串中没有本机构的接入密钥，请信息科运行 hospital-client setup。"


class CredentialsUnavailable(SyncError):
    zh = "本机没有可用的系统钥匙串，无法读取接入密钥，请联系信息科。"


class CentralUnreachable(SyncError):
    zh = "暂时连不上医保中心（网络或中心繁忙），结算已保存，联网后自动上传。"


class CentralRefused(SyncError):
    """The central system answered with a non-zero infcode; ``protocol_error`` is the typed refusal."""

    zh = "医保中心拒绝了报文。"

    def __init__(self, message: str, protocol_error: p.ProtocolError) -> None:
        super().__init__(message)
        self.protocol_error = protocol_error
        self.infcode = protocol_error.infcode
        self.err_msg = protocol_error.err_msg
        self.zh = f"医保中心拒绝（{protocol_error.infcode}）：{protocol_error.err_msg}"

    @property
    def is_auth(self) -> bool:
        """Credentials or clock: nothing was processed; retrying the same way cannot help."""
        return isinstance(self.protocol_error, p.AuthError)


class BadAnswer(SyncError):
    zh = "医保中心的应答无法识别，请联系信息科。"


class DrainBusy(SyncError):
    zh = "另一个同步正在进行，请稍后再试。"


class PulledDataRejected(SyncError):
    zh = "从医保中心下载的政策包或目录校验失败，未启用。"
