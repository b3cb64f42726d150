"""Transaction numbers, protocol constants and the envelope clock (China Standard Time)."""

from __future__ import annotations

import datetime as dt

SIGN_IN = "9001"  # 签到
PERSON_INFO = "1101"  # 人员信息获取
PERSON_ACCUMULATORS = "5206"  # 人员累计信息查询
BENEFIT_CHECK = "2001"  # 人员待遇享受检查
CATALOGUE_QUERY = "1312"  # 医保目录信息查询
ADMISSION = "2401"  # 入院办理
FEE_UPLOAD = "2301"  # 住院费用明细上传
FEE_WITHDRAW = "2302"  # 住院费用明细撤销
DISCHARGE = "2402"  # 出院办理
ADMISSION_CHANGE = "2403"  # 住院信息变更
ADMISSION_CANCEL = "2404"  # 入院办理撤销
DISCHARGE_CANCEL = "2405"  # 出院撤销
PRE_SETTLEMENT = "2303"  # 住院预结算
SETTLEMENT = "2304"  # 住院结算
REVERSAL = "2305"  # 住院结算撤销
SETTLEMENT_QUERY = "5203"  # 结算信息查询
CORRECTION = "2601"  # 冲正交易
OUTPATIENT_REGISTER = "2201"  # 门诊挂号
OUTPATIENT_REGISTER_CANCEL = "2202"  # 门诊挂号撤销
OUTPATIENT_VISIT_INFO = "2203"  # 门诊就诊信息上传
OUTPATIENT_FEE_UPLOAD = "2204"  # 门诊费用明细信息上传
OUTPATIENT_FEE_CANCEL = "2205"  # 门诊费用明细信息撤销
OUTPATIENT_PRE_SETTLEMENT = "2206"  # 门诊预结算
OUTPATIENT_SETTLEMENT = "2207"  # 门诊结算
OUTPATIENT_REVERSAL = "2208"  # 门诊结算撤销
CHRONIC_FILING = "2503"  # 人员慢特病备案
CHRONIC_FILING_CANCEL = "2504"  # 人员慢特病备案撤销
CHRONIC_FILING_QUERY = "5301"  # 人员慢特病备案查询
RULE_PRE_ANALYSIS = "3101"  # 明细审核事前分析服务
RULE_MID_ANALYSIS = "3102"  # 明细审核事中分析服务
RECON_TOTALS = "3201"  # 医药机构费用结算对总账
RECON_DETAILS = "3202"  # 医药机构费用结算对明细账
CLEARING_APPLY = "3203"  # 清算申请
CLEARING_WITHDRAW = "3204"  # 清算申请撤销
CLEARING_STATUS_QUERY = "3205A"  # 清算申请状态查询（省级扩展）
SETTLEMENT_LIST_UPLOAD = "4101"  # 医疗保障基金结算清单信息上传
SETTLEMENT_LIST_UPLOAD_V2 = "4101A"  # 医疗保障基金结算清单信息上传（新版）
SETTLEMENT_LIST_STATUS = "4102"  # 医疗保障基金结算清单状态修改
SETTLEMENT_LIST_QUERY = "4103"  # 医疗保障基金结算清单信息查询
SETTLEMENT_LIST_QC = "4104"  # 医疗保障基金结算清单质控结果查询
# Project extensions (not in the national spec; 95xx is unused there).
PACK_DOWNLOAD = "9501"  # 政策包下载
ROSTER_DELTA = "9502"  # 参保人员名册增量下载
CATALOGUE_DOWNLOAD = "9503"  # 医保目录整包下载
REVIEW_LIBRARY_DOWNLOAD = "9504"  # 审核规则库下载
BATCH_UPLOAD = "9511"  # 离线结算批量上传
ADJUDICATION_RESULTS = "9512"  # 离线结算审核结果下载
SITE_RECOVERY = "9513"  # 恢复备份后核对：本站最大本地编号及中心已有、本地缺少的结算
AUDIT_HEAD_UPLOAD = "9521"  # 审计链头上报
AUDIT_HEAD_QUERY = "9522"  # 审计链头查询
EC_TOKEN_ISSUE = "9531"  # 医保电子凭证令牌签发（演示：代替参保人手机上的电子凭证）
BENCH_SINK = "9599"  # 基准测试：只保存报文，不做业务处理

TRANSACTIONS: dict[str, str] = {
    SIGN_IN: "签到",
    PERSON_INFO: "人员信息获取",
    PERSON_ACCUMULATORS: "人员累计信息查询",
    BENEFIT_CHECK: "人员待遇享受检查",
    CATALOGUE_QUERY: "医保目录信息查询",
    ADMISSION: "入院办理",
    FEE_UPLOAD: "住院费用明细上传",
    FEE_WITHDRAW: "住院费用明细撤销",
    DISCHARGE: "出院办理",
    ADMISSION_CHANGE: "住院信息变更",
    ADMISSION_CANCEL: "入院办理撤销",
    DISCHARGE_CANCEL: "出院撤销",
    PRE_SETTLEMENT: "住院预结算",
    SETTLEMENT: "住院结算",
    REVERSAL: "住院结算撤销",
    SETTLEMENT_QUERY: "结算信息查询",
    CORRECTION: "冲正交易",
    OUTPATIENT_REGISTER: "门诊挂号",
    OUTPATIENT_REGISTER_CANCEL: "门诊挂号撤销",
    OUTPATIENT_VISIT_INFO: "门诊就诊信息上传",
    OUTPATIENT_FEE_UPLOAD: "门诊费用明细信息上传",
    OUTPATIENT_FEE_CANCEL: "门诊费用明细信息撤销",
    OUTPATIENT_PRE_SETTLEMENT: "门诊预结算",
    OUTPATIENT_SETTLEMENT: "门诊结算",
    OUTPATIENT_REVERSAL: "门诊结算撤销",
    CHRONIC_FILING: "人员慢特病备案",
    CHRONIC_FILING_CANCEL: "人员慢特病备案撤销",
    CHRONIC_FILING_QUERY: "人员慢特病备案查询",
    RULE_PRE_ANALYSIS: "明细审核事前分析服务",
    RULE_MID_ANALYSIS: "明细审核事中分析服务",
    RECON_TOTALS: "对总账",
    RECON_DETAILS: "对明细账",
    CLEARING_APPLY: "清算申请",
    CLEARING_WITHDRAW: "清算申请撤销",
    CLEARING_STATUS_QUERY: "清算申请状态查询",
    SETTLEMENT_LIST_UPLOAD: "结算清单信息上传",
    SETTLEMENT_LIST_UPLOAD_V2: "结算清单信息上传（新版）",
    SETTLEMENT_LIST_STATUS: "结算清单状态修改",
    SETTLEMENT_LIST_QUERY: "结算清单信息查询",
    SETTLEMENT_LIST_QC: "结算清单质控结果查询",
    PACK_DOWNLOAD: "政策包下载（扩展）",
    ROSTER_DELTA: "名册增量下载（扩展）",
    CATALOGUE_DOWNLOAD: "医保目录整包下载（扩展）",
    REVIEW_LIBRARY_DOWNLOAD: "审核规则库下载（扩展）",
    BATCH_UPLOAD: "离线结算批量上传（扩展）",
    ADJUDICATION_RESULTS: "离线结算审核结果（扩展）",
    SITE_RECOVERY: "恢复备份后核对（扩展）",
    AUDIT_HEAD_UPLOAD: "审计链头上报（扩展）",
    AUDIT_HEAD_QUERY: "审计链头查询（扩展）",
    EC_TOKEN_ISSUE: "电子凭证令牌签发（扩展，演示）",
    BENCH_SINK: "基准测试接收（扩展）",
}
EXTENSIONS = frozenset({PACK_DOWNLOAD, ROSTER_DELTA, CATALOGUE_DOWNLOAD, REVIEW_LIBRARY_DOWNLOAD, BATCH_UPLOAD,
                        ADJUDICATION_RESULTS, SITE_RECOVERY, AUDIT_HEAD_UPLOAD, AUDIT_HEAD_QUERY, BENCH_SINK,
                        EC_TOKEN_ISSUE})

INFVER = "V1.0"
INFCODE_OK = 0
MAX_SKEW_SECONDS = 300
HEADER_PAASID = "x-tif-paasid"
HEADER_TIMESTAMP = "x-tif-timestamp"
HEADER_NONCE = "x-tif-nonce"
HEADER_SIGNATURE = "x-tif-signature"
# China Standard Time: every time in an envelope (inf_time, refmsg_time, respond_time, msgid).
CST = dt.timezone(dt.timedelta(hours=8), "CST")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
