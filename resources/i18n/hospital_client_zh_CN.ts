<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BillPreviewDialog</name>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="23" />
        <source>Import bill — %1</source>
        <translation>导入费用明细 — %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="29" />
        <source>%1 lines, format %2, encoding %3</source>
        <translation>共 %1 条，格式 %2，编码 %3</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="32" />
        <source>Total %1 yuan. Accept this bill?</source>
        <translation>合计 %1 元。确认导入此费用明细？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="34" />
        <source>%1 problem(s) found: the bill is refused whole. Correct the file in the hospital system and import it again.</source>
        <translation>发现 %1 处问题，整单拒收。请在医院信息系统中更正后重新导出、导入。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="39" />
        <source>Line</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="39" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="39" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="52" />
        <source>Accept bill</source>
        <translation>确认导入</translation>
    </message>
</context>
<context>
    <name>BreakdownPanel</name>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="16" />
        <source>Total bill</source>
        <translation>医疗费用总额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="17" />
        <source>Fully self-paid (class C, not listed)</source>
        <translation>全自费（丙类及目录外）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="18" />
        <source>Over price cap</source>
        <translation>超限价自费</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="19" />
        <source>First self-pay of class B</source>
        <translation>乙类先行自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="20" />
        <source>Policy-range amount</source>
        <translation>政策范围内费用</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="21" />
        <source>Deductible</source>
        <translation>起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="22" />
        <source>Basic insurance pool</source>
        <translation>基本医保统筹支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="23" />
        <source>Patient's share in the pool band</source>
        <translation>统筹段个人自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="24" />
        <source>Critical-illness insurance</source>
        <translation>大病保险支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="25" />
        <source>Medical assistance</source>
        <translation>医疗救助支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="26" />
        <source>Funds in total</source>
        <translation>基金支付合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="27" />
        <source>Patient's share</source>
        <translation>个人负担合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="28" />
        <source>Patient pays in cash</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="30" />
        <source>Split of the bill</source>
        <translation>费用分割</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="52" />
        <source>How it was computed</source>
        <translation>计算说明</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="73" />
        <source>Confirm settlement</source>
        <translation>确认结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="80" />
        <source>Total %1 yuan; funds pay %2 yuan.</source>
        <translation>医疗费用总额 %1 元，基金支付 %2 元。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="83" />
        <source>Patient pays</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="87" />
        <source>In words:</source>
        <translation>大写：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="91" />
        <source>Settle (Enter)</source>
        <translation>确认结算（Enter）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="92" />
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
</context>
<context>
    <name>DayEndPage</name>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="43" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="72" />
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="45" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="74" />
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="47" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="76" />
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="50" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="50" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="55" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="55" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="84" />
        <source>Settlements</source>
        <translation>结算笔数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="55" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="84" />
        <source>Reversals</source>
        <translation>冲正笔数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="65" />
        <source>Day-end by operator</source>
        <translation>日结（按操作员）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="79" />
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="84" />
        <source>Fund type</source>
        <translation>基金类型</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="84" />
        <source>Fund</source>
        <translation>基金名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="85" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="95" />
        <source>Monthly statement per fund (to claim advanced payments)</source>
        <translation>基金支付月报（用于申报垫付资金）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="116" />
        <source>Written to %1</source>
        <translation>已输出到 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="125" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="137" />
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="75" />
        <source>Settlement %1</source>
        <translation>结算 %1</translation>
    </message>
</context>
<context>
    <name>FeeTableModel</name>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="81" />
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="82" />
        <source>Code</source>
        <translation>医保编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="83" />
        <source>Item</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="84" />
        <source>Class</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="85" />
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="86" />
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="87" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="88" />
        <source>Self-pay share</source>
        <translation>自付比例</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="89" />
        <source>Over cap</source>
        <translation>超限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="90" />
        <source>First self-pay</source>
        <translation>先行自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="91" />
        <source>In policy range</source>
        <translation>政策范围内</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="92" />
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="96" />
        <source>A (甲)</source>
        <translation>甲类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="96" />
        <source>B (乙)</source>
        <translation>乙类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="96" />
        <source>C (丙)</source>
        <translation>丙类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="101" />
        <source>not in catalogue: self-paid</source>
        <translation>目录外，全自费</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="103" />
        <source>over price cap</source>
        <translation>超限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="105" />
        <source>returned item</source>
        <translation>退费</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="103" />
        <source>Person no., admission no. or settlement no.</source>
        <translation>人员编号、住院号或流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="106" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="106" />
        <source>Provisional (offline)</source>
        <translation>暂定（离线）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="107" />
        <location filename="../../hospital_client/ui/history_page.py" line="126" />
        <source>Final</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="107" />
        <source>Reversed</source>
        <translation>已冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="108" />
        <source>Reversal entries</source>
        <translation>冲正记录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="110" />
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="113" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="113" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="117" />
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="117" />
        <source>Queue no.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="118" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="118" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="119" />
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="119" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="120" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="120" />
        <source>Admission no.</source>
        <translation>住院号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="121" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="121" />
        <source>Funds</source>
        <translation>基金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="121" />
        <source>Cash</source>
        <translation>个人现金</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="122" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="122" />
        <source>Upload</source>
        <translation>上传状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="140" />
        <source>Open</source>
        <translation>查看</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="142" />
        <source>Reprint slip</source>
        <translation>补打结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="144" />
        <source>Reverse…</source>
        <translation>冲正…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="125" />
        <source>Settlement</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="125" />
        <source>Reversal</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="126" />
        <source>Provisional</source>
        <translation>暂定</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="127" />
        <source>Queued</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="127" />
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="127" />
        <source>Accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="128" />
        <source>Adjusted</source>
        <translation>有差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="128" />
        <source>Rejected</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="129" />
        <source> (reversed)</source>
        <translation>（已冲正）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="164" />
        <source>%1 entries</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="187" />
        <source>Select a settlement first.</source>
        <translation>请先选择一笔结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="212" />
        <source>Slip written to %1</source>
        <translation>结算单已输出到 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="220" />
        <source>Only a settlement that is not yet reversed (冲正) can be reversed.</source>
        <translation>只能冲正尚未冲正的结算记录。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="232" />
        <source>Reversed: new entry %1.</source>
        <translation>已冲正：新记录流水号 %1。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="28" />
        <source>Log in — Discharge settlement</source>
        <translation>登录 — 出院结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="44" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="45" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="47" />
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="53" />
        <source>Demo site: operator demo / demo123 (clerk), super / super123 (supervisor), admin / admin123 (admin).</source>
        <translation>演示站点：收费员 demo / demo123，主管 super / super123，管理员 admin / admin123。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="66" />
        <source>Enter operator name and password.</source>
        <translation>请输入操作员和密码。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="69" />
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="26" />
        <source>Discharge settlement — %1</source>
        <translation>出院结算 — %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="32" />
        <location filename="../../hospital_client/ui/main_window.py" line="47" />
        <source>Settle</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="33" />
        <source>History</source>
        <translation>结算记录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="34" />
        <source>Day-end</source>
        <translation>日结与月报</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="36" />
        <source>Upload and sync</source>
        <translation>上传与同步</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="40" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="44" />
        <source>Identify patient</source>
        <translation>识别患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="45" />
        <source>Import bill</source>
        <translation>导入费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="46" />
        <source>Compute</source>
        <translation>试算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="48" />
        <source>Print slip</source>
        <translation>打印结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="49" />
        <source>New patient</source>
        <translation>下一位患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="50" />
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="65" />
        <source>Database not encrypted</source>
        <translation>数据库未加密</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="68" />
        <source>Ask IT to run: hospital-client encrypt --db PATH (docs/operations.md)</source>
        <translation>请信息科运行：hospital-client encrypt --db 路径（见 docs/operations.md）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="130" />
        <source>Offline (no server configured)</source>
        <translation>离线（未配置医保中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="133" />
        <source>Offline: last sync failed</source>
        <translation>离线：上次同步失败</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="136" />
        <source>Online</source>
        <translation>联网</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="138" />
        <source>Queued: %1</source>
        <translation>待上传：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="140" />
        <source>Last sync: %1</source>
        <translation>最近同步：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="141" />
        <source>Last sync: never</source>
        <translation>最近同步：无</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="143" />
        <source>Packs: %1</source>
        <translation>政策包：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="145" />
        <source>Clock differs from the centre</source>
        <translation>本机时钟与医保中心不一致</translation>
    </message>
</context>
<context>
    <name>QueuePage</name>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="54" />
        <source>Sync now (F8)</source>
        <translation>立即同步（F8）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="60" />
        <source>Queued</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="60" />
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="60" />
        <source>Accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="61" />
        <source>Adjusted</source>
        <translation>有差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="61" />
        <source>Rejected</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="64" />
        <location filename="../../hospital_client/ui/queue_page.py" line="70" />
        <location filename="../../hospital_client/ui/queue_page.py" line="74" />
        <source>Settlement no.</source>
        <translation>流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="64" />
        <source>Transaction</source>
        <translation>交易</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="65" />
        <location filename="../../hospital_client/ui/queue_page.py" line="70" />
        <source>Message id</source>
        <translation>报文编号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="65" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="66" />
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="66" />
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="67" />
        <location filename="../../hospital_client/ui/queue_page.py" line="71" />
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="71" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="74" />
        <source>Queue no.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="75" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="75" />
        <source>Patient pays more (+) / gets back (−)</source>
        <translation>个人补交（+）/ 退还（−）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="77" />
        <source>Pool</source>
        <translation>统筹</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="77" />
        <source>Critical illness</source>
        <translation>大病保险</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="78" />
        <source>Assistance</source>
        <translation>医疗救助</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="78" />
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="79" />
        <source>Resolved by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="84" />
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="86" />
        <source>Mark as settled with the patient…</source>
        <translation>标记为已与患者结清…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="88" />
        <source>Print notice for the patient</source>
        <translation>打印患者调整通知单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="103" />
        <source>Upload queue</source>
        <translation>上传队列</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="104" />
        <source>Refused by the centre</source>
        <translation>医保中心拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="105" />
        <source>Adjustments to resolve</source>
        <translation>待处理差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="130" />
        <source>Waiting %1 · accepted %2 · with a difference %3 · refused %4 · adjustments open %5</source>
        <translation>待上传 %1 · 已确认 %2 · 有差额 %3 · 被拒绝 %4 · 待处理差额 %5</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="134" />
        <source>Last successful sync: %1</source>
        <translation>最近成功同步：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="135" />
        <source>Never synced.</source>
        <translation>尚未同步。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="137" />
        <source>Last error: %1</source>
        <translation>最近错误：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="139" />
        <source>No central server is configured: this desk works offline (demo site).</source>
        <translation>未配置医保中心：本窗口离线工作（演示站点）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="159" />
        <source>Syncing with the insurance centre…</source>
        <translation>正在与医保中心同步…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="166" />
        <source>Another sync of this desk is running; try again in a moment.</source>
        <translation>本窗口的另一次同步正在进行，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="168" />
        <source>Sync done: sent %1, accepted %2, with a difference %3, refused %4, still waiting %5.</source>
        <translation>同步完成：发送 %1，确认 %2，有差额 %3，被拒绝 %4，仍待上传 %5。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="183" />
        <source>Select a line first.</source>
        <translation>请先选择一行。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="193" />
        <source>Queued again for the next sync.</source>
        <translation>已重新排队，下次同步时上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="200" />
        <source>This adjustment is already resolved.</source>
        <translation>此差额已处理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="203" />
        <source>Resolve adjustment</source>
        <translation>处理差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="204" />
        <source>How was the difference settled (receipt no., note)?</source>
        <translation>差额如何结清（收据号、备注）？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="209" />
        <source>Adjustment resolved.</source>
        <translation>差额已处理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="227" />
        <source>Notice written to %1</source>
        <translation>通知单已输出到 %1</translation>
    </message>
</context>
<context>
    <name>ReverseDialog</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="44" />
        <source>Reverse settlement %1</source>
        <translation>冲正结算 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="53" />
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="54" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="55" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="56" />
        <source>A reversal is a new journal entry with the figures negated; the original stays. The patient's year-to-date use goes back.</source>
        <translation>冲正会新增一条金额取反的记录，原记录保留；患者的年度累计随之回退。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="59" />
        <source>Reverse</source>
        <translation>冲正</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="45" />
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="47" />
        <source>Medical institution code</source>
        <translation>定点医疗机构编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="48" />
        <location filename="../../hospital_client/ui/settings_page.py" line="96" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="49" />
        <source>Region (admdvs)</source>
        <translation>所在统筹区（区划代码）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="50" />
        <source>Site file</source>
        <translation>站点配置文件</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="50" />
        <source>none: embedded demo site</source>
        <translation>无：内置演示站点</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="51" />
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="52" />
        <source>not configured (offline)</source>
        <translation>未配置（离线）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="56" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="63" />
        <source>Central server</source>
        <translation>医保中心服务器</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="65" />
        <source>IT changes the site, the server and its secret with `hospital-client setup` (see docs/operations.md); the secret is kept in the system keyring.</source>
        <translation>站点、服务器及其密钥由信息科用 `hospital-client setup` 修改（见 docs/operations.md）；密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="71" />
        <source>This desk</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="75" />
        <source>PDF file (no printer)</source>
        <translation>PDF 文件（无打印机）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="88" />
        <source>Slip printer</source>
        <translation>结算单打印机</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="89" />
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="92" />
        <source>Policy packs</source>
        <translation>政策包</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="94" />
        <source>Pack</source>
        <translation>政策包</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="94" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="95" />
        <source>Valid from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="95" />
        <source>Valid to</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="96" />
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="129" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="134" />
        <source>Saved. The new language applies when the program starts again.</source>
        <translation>已保存。新语言在程序重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="140" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
</context>
<context>
    <name>SettlePage</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="117" />
        <source>Scan the e-voucher or social security card, or type the ID number (F2)</source>
        <translation>扫描医保电子凭证、社保卡，或输入身份证号（F2）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="119" />
        <source>Find</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="121" />
        <location filename="../../hospital_client/ui/settle_page.py" line="283" />
        <source>No patient yet.</source>
        <translation>尚未识别患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="124" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="136" />
        <location filename="../../hospital_client/ui/settle_page.py" line="149" />
        <source>Level 1</source>
        <translation>一级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="136" />
        <location filename="../../hospital_client/ui/settle_page.py" line="149" />
        <source>Level 2</source>
        <translation>二级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="136" />
        <location filename="../../hospital_client/ui/settle_page.py" line="149" />
        <source>Level 3</source>
        <translation>三级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="146" />
        <source>ICD-10, e.g. J18.900</source>
        <translation>ICD-10 编码，如 J18.900</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="147" />
        <source>Referred from</source>
        <translation>转诊自</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="153" />
        <source>Out-of-area stay registered (异地备案)</source>
        <translation>已办理异地就医备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="154" />
        <source>Stay</source>
        <translation>住院信息</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="156" />
        <source>Admission no.</source>
        <translation>住院号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="158" />
        <source>Hospital level</source>
        <translation>医院等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="160" />
        <source>Admitted</source>
        <translation>入院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="162" />
        <source>Discharged</source>
        <translation>出院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="164" />
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="169" />
        <source>deductible paid</source>
        <translation>已付起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="179" />
        <source>Import bill (F4)</source>
        <translation>导入明细（F4）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="181" />
        <location filename="../../hospital_client/ui/settle_page.py" line="290" />
        <source>No bill loaded.</source>
        <translation>尚未导入费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="211" />
        <location filename="../../hospital_client/ui/settle_page.py" line="274" />
        <location filename="../../hospital_client/ui/settle_page.py" line="292" />
        <location filename="../../hospital_client/ui/settle_page.py" line="408" />
        <source>Patient pays</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="217" />
        <source>Compute (F5)</source>
        <translation>试算（F5）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="219" />
        <source>Settle (F9)</source>
        <translation>结算（F9）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="222" />
        <source>Print slip (F12)</source>
        <translation>打印结算单（F12）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="224" />
        <source>New patient (Esc)</source>
        <translation>下一位（Esc）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="275" />
        <source>The stay changed: press F5 to compute again.</source>
        <translation>住院信息已修改，请按 F5 重新试算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="293" />
        <source>Scan or type the patient's code, then import the bill (F4).</source>
        <translation>请扫描或输入患者凭证号，然后导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="306" />
        <source>Looking up…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="312" />
        <source>Not found in the roster. Check the code, or sync the roster.</source>
        <translation>参保人员名册中没有此人。请核对号码，或同步名册。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="313" />
        <source>No insured person with this code.</source>
        <translation>没有此号码的参保人员。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="320" />
        <source>out-of-area insured (%1)</source>
        <translation>异地参保（%1）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="325" />
        <source>This year: %1 admission(s), pool paid %2, critical-illness base %3, paid %4</source>
        <translation>本年度：住院 %1 次，统筹已付 %2，大病累计合规费用 %3，大病已付 %4</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="330" />
        <source>Patient found. Import the bill (F4).</source>
        <translation>已识别患者。请导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="337" />
        <source>Import bill</source>
        <translation>导入费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="337" />
        <source>Bills (*.json *.csv *.txt *.xlsx);;All files (*)</source>
        <translation>费用明细 (*.json *.csv *.txt *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="342" />
        <source>Reading the bill…</source>
        <translation>正在读取费用明细…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="353" />
        <source>The bill has %1 problem(s) and was refused.</source>
        <translation>费用明细有 %1 处问题，已整单拒收。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="356" />
        <source>Bill not accepted.</source>
        <translation>未导入费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="361" />
        <source>%1: %2 lines, total %3 yuan</source>
        <translation>%1：共 %2 条，合计 %3 元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="367" />
        <source>Bill loaded. Identify the patient (F2).</source>
        <translation>已导入费用明细。请识别患者（F2）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="384" />
        <source>Identify the patient first (F2).</source>
        <translation>请先识别患者（F2）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="387" />
        <source>Import the bill first (F4).</source>
        <translation>请先导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="396" />
        <source>Computing…</source>
        <translation>正在试算…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="403" />
        <source>Check the split, then settle (F9).</source>
        <translation>请核对费用分割，然后结算（F9）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="415" />
        <source>Already settled (no. %1). Press Esc for the next patient.</source>
        <translation>已结算（流水号 %1）。按 Esc 接待下一位患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="428" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="445" />
        <source>Settled: no. %1, confirmed by the insurance centre with a different figure: the patient pays %2 more (negative: gets it back). See Upload and sync. Print the slip (F12).</source>
        <translation>结算完成：流水号 %1。医保中心确认的金额与本机不同：患者需补交 %2 元（负数为退还），请到“上传与同步”处理。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="448" />
        <source>Settled and confirmed by the insurance centre: no. %1. Print the slip (F12).</source>
        <translation>结算完成并经医保中心确认：流水号 %1。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="450" />
        <source>Settled locally (provisional): no. %1, queue no. %2, but the insurance centre refused it: %3. See Upload and sync.</source>
        <translation>本机暂定结算：流水号 %1，排队号 %2；医保中心拒绝：%3。请到“上传与同步”查看。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="453" />
        <source>Settled offline (provisional): no. %1, queue no. %2. It will be confirmed by the insurance centre when online. Print the slip (F12).</source>
        <translation>离线结算（暂定）：流水号 %1，排队号 %2。联网后由医保中心复核。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="462" />
        <source>Nothing to print yet: settle first (F9).</source>
        <translation>还没有可打印的结算单，请先结算（F9）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="479" />
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="483" />
        <source>Slip written to %1</source>
        <translation>结算单已输出到 %1</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="25" />
        <source>serial no.</source>
        <translation>明细流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="25" />
        <source>catalogue code</source>
        <translation>医保目录编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="25" />
        <source>item name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="26" />
        <source>unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="26" />
        <source>quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="26" />
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="27" />
        <source>charge class</source>
        <translation>收费项目等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="27" />
        <source>self-pay share</source>
        <translation>自付比例</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="27" />
        <source>price cap</source>
        <translation>限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="35" />
        <source>is missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="36" />
        <source>is not a number</source>
        <translation>不是有效数字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="37" />
        <source>must be written as a decimal number</source>
        <translation>必须写成十进制数字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="38" />
        <source>has too many decimal places</source>
        <translation>小数位数过多</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="39" />
        <source>is too large</source>
        <translation>数值过大</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="40" />
        <source>must not be negative</source>
        <translation>不能为负数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="41" />
        <source>must be between 0 and 1</source>
        <translation>必须在 0 到 1 之间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="42" />
        <source>must be text</source>
        <translation>必须是文字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="43" />
        <source>is too long</source>
        <translation>过长</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="44" />
        <source>does not equal unit price × quantity</source>
        <translation>与单价×数量不符</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="45" />
        <source>must be 01 (A), 02 (B) or 03 (C)</source>
        <translation>必须是 01（甲类）、02（乙类）或 03（丙类）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="46" />
        <source>is used twice in this bill</source>
        <translation>在本单中重复</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="47" />
        <source>is not a known column</source>
        <translation>不是可识别的列</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="48" />
        <source>is not a fee line</source>
        <translation>不是费用明细行</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="50" />
        <source>is not valid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="64" />
        <source>Wrong operator name or password.</source>
        <translation>操作员或密码错误。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="66" />
        <source>Your role does not allow this.</source>
        <translation>您的角色无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="68" />
        <source>This person is not in the local roster. Check the number, or sync the roster.</source>
        <translation>本地参保名册中没有此人。请核对号码，或同步名册。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="71" />
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="72" />
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>文件既不是 UTF-8 也不是 GBK 编码的文本。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="73" />
        <source>The file is not valid JSON.</source>
        <translation>文件不是有效的 JSON。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="74" />
        <source>The file is not a readable Excel (XLSX) workbook.</source>
        <translation>文件不是可读取的 Excel（XLSX）工作簿。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="75" />
        <source>Unsupported file type; use JSON, CSV or XLSX.</source>
        <translation>不支持的文件类型，请使用 JSON、CSV 或 XLSX。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="76" />
        <source>Required columns are missing from the header row.</source>
        <translation>表头缺少必需的列。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="77" />
        <source>The file contains no fee lines.</source>
        <translation>文件中没有费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="78" />
        <source>The bill has too many lines.</source>
        <translation>费用明细行数过多。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="79" />
        <source>The file cannot be read.</source>
        <translation>无法读取文件。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="81" />
        <source>The bill file cannot be used.</source>
        <translation>无法使用此费用明细文件。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="83" />
        <source>The settlement data is not valid:</source>
        <translation>结算数据无效：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="85" />
        <source>No usable policy pack for this settlement. Ask IT to check the site's policy packs.</source>
        <translation>没有适用于此次结算的政策包。请联系信息科检查本站点的政策包。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="87" />
        <source>The database is in use by another program. Close it, then try again.</source>
        <translation>数据库正被其他程序占用。请关闭该程序后重试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="89" />
        <source>The disk is full. Nothing was saved; free space, then try again.</source>
        <translation>磁盘已满，未保存任何数据。请清理空间后重试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="91" />
        <source>The database cannot be written (read-only). Ask IT to check permissions.</source>
        <translation>数据库无法写入（只读）。请联系信息科检查权限。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="93" />
        <source>The database file is damaged. Do not delete it; call IT to restore from a backup.</source>
        <translation>数据库文件已损坏。请勿删除，请联系信息科从备份恢复。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="95" />
        <source>The database was written by a newer version of this program. Install the newer version.</source>
        <translation>数据库由本程序的更新版本写入。请安装新版本。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="98" />
        <source>This settlement has already been reversed.</source>
        <translation>此笔结算已经冲正。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="100" />
        <source>This stay has already been settled; reverse it first to settle again.</source>
        <translation>此次住院已结算；如需重新结算，请先冲正。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="102" />
        <source>The operation failed:</source>
        <translation>操作失败：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="104" />
        <source>A file or device could not be used:</source>
        <translation>无法使用文件或设备：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="105" />
        <source>Unexpected error; nothing was saved. Please tell IT:</source>
        <translation>发生意外错误，未保存任何数据。请告知信息科：</translation>
    </message>
</context>
</TS>