<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>BillPreviewDialog</name>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="24" />
        <source>Import bill — %1</source>
        <translation>导入费用明细 — %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="30" />
        <source>%1 lines, format %2, encoding %3</source>
        <translation>共 %1 条，格式 %2，编码 %3</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="33" />
        <source>Total %1 yuan. Accept this bill?</source>
        <translation>合计 %1 元。确认导入此费用明细？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="35" />
        <source>%1 problem(s) found: the bill is refused whole. Correct the file in the hospital system and import it again.</source>
        <translation>发现 %1 处问题，整单拒收。请在医院信息系统中更正后重新导出、导入。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="40" />
        <source>Line</source>
        <translation>行号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="40" />
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="40" />
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="58" />
        <source>Accept bill</source>
        <translation>确认导入</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/bill_dialog.py" line="59" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>BreakdownPanel</name>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="58" />
        <source>Total bill</source>
        <translation>医疗费用总额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="59" />
        <source>Fully self-paid (class C, not listed)</source>
        <translation>全自费（丙类及目录外）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="60" />
        <source>Over price cap</source>
        <translation>超限价自费</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="61" />
        <source>First self-pay of class B</source>
        <translation>乙类先行自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="62" />
        <source>Policy-range amount</source>
        <translation>政策范围内费用</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="63" />
        <source>Deductible</source>
        <translation>起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="67" />
        <source>Basic insurance pool</source>
        <translation>基本医保统筹支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="64" />
        <source>Patient's share in the pool band</source>
        <translation>统筹段个人自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="68" />
        <source>Critical-illness insurance</source>
        <translation>大病保险支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="69" />
        <source>Medical assistance</source>
        <translation>医疗救助支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="70" />
        <source>Funds in total</source>
        <translation>基金支付合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="71" />
        <source>Patient's share</source>
        <translation>个人负担合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="72" />
        <source>Patient pays in cash</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="74" />
        <source>Split of the bill</source>
        <translation>费用分割</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/breakdown.py" line="104" />
        <source>How it was computed</source>
        <translation>计算说明</translation>
    </message>
</context>
<context>
    <name>ClearingPage</name>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="64" />
        <source>Reconcile and apply for clearing</source>
        <translation>对账并申请清算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="66" />
        <source>Withdraw the application…</source>
        <translation>撤销清算申请…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="68" />
        <source>Refresh past applications</source>
        <translation>刷新历次申请</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="71" />
        <source>Clearing month</source>
        <translation>清算年月</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="79" />
        <source>Inpatient</source>
        <translation>住院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="79" />
        <source>Outpatient</source>
        <translation>门诊</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="81" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="111" />
        <source>Clearing type</source>
        <translation>清算类别</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="81" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="112" />
        <source>Insurance type</source>
        <translation>险种</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="82" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="112" />
        <source>Persons</source>
        <translation>人次</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="82" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="113" />
        <source>Total</source>
        <translation>医疗费总额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="83" />
        <source>Within the scheme</source>
        <translation>符合范围费用</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="83" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="113" />
        <source>Funds to clear</source>
        <translation>基金申请金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="84" />
        <source>Personal account</source>
        <translation>个人账户</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="84" />
        <source>Cash</source>
        <translation>现金</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="85" />
        <source>By fund</source>
        <translation>按基金</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="85" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="114" />
        <source>Application no.</source>
        <translation>清算申请号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="86" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="114" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="90" />
        <source>Not at the central system (not synced yet)</source>
        <translation>中心没有（尚未同步上传）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="91" />
        <source>Only at the central system, not in this desk's journal</source>
        <translation>仅中心有，本机流水中没有</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="92" />
        <source>Amounts differ</source>
        <translation>金额不一致</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="94" />
        <source>Settlement no.</source>
        <translation>结算号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="94" />
        <source>Central settlement id</source>
        <translation>中心结算ID</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="95" />
        <source>Difference</source>
        <translation>差异</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="96" />
        <source>Total (desk)</source>
        <translation>总额（本机）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="96" />
        <source>Total (central)</source>
        <translation>总额（中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="97" />
        <source>Funds (desk)</source>
        <translation>基金（本机）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="97" />
        <source>Funds (central)</source>
        <translation>基金（中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="98" />
        <source>Cash (desk)</source>
        <translation>现金（本机）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="98" />
        <source>Cash (central)</source>
        <translation>现金（中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="99" />
        <source>Desk minus central</source>
        <translation>本机减中心</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="103" />
        <source>Clearing applications by clearing type and insurance type</source>
        <translation>清算申请（按清算类别和险种）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="105" />
        <source>Settlements that do not reconcile (对账不平)</source>
        <translation>对账不平的结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="109" />
        <source>Approved</source>
        <translation>已审核通过</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="111" />
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="115" />
        <source>Since</source>
        <translation>状态时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="123" />
        <source>Past clearing applications (last 12 months)</source>
        <translation>历次清算申请（近 12 个月）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="130" />
        <source>Choose the month and apply: the month is reconciled with the insurance centre first.</source>
        <translation>选择清算年月后申请：先与医保中心对账，对平后才申请清算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="152" />
        <source>Reconciling %1 with the insurance centre…</source>
        <translation>正在与医保中心对账（%1）…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="304" />
        <source>As the insurance centre holds them, read at %1.</source>
        <translation>医保中心记录，读取于 %1。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="309" />
        <source>The insurance centre cannot be reached just now: the applications as read at %1.</source>
        <translation>暂时连不上医保中心：以下为 %1 读取的清算申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="314" />
        <source>The insurance centre cannot be reached just now, and this desk has not read the past applications yet.</source>
        <translation>暂时连不上医保中心，本机尚未读取过历次清算申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="108" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="162" />
        <source>Withdrawn</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="108" />
        <location filename="../../hospital_client/ui/clearing_page.py" line="162" />
        <source>Applied</source>
        <translation>已申请</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="164" />
        <source>Refused: %1</source>
        <translation>被拒：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="178" />
        <source>%1 reconciles with the insurance centre: %2 entries, total %3, funds %4, cash %5.</source>
        <translation>%1 与医保中心对账相符：%2 笔，医疗费总额 %3，基金支付 %4，现金 %5。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="184" />
        <source>Clearing applied for: %1 application(s).</source>
        <translation>已申请清算：%1 份申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="188" />
        <source>Nothing to clear in %1: no settlement in the month.</source>
        <translation>%1 无需清算：本月没有结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="209" />
        <source>Desk: total %1, funds %2, cash %3. Insurance centre: %4 settlements, total %5, funds %6, cash %7.</source>
        <translation>本机：医疗费总额 %1，基金支付 %2，现金 %3。医保中心：%4 笔，医疗费总额 %5，基金支付 %6，现金 %7。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="226" />
        <source>Clearing is done with the insurance centre, which cannot be reached from this desk just now. Nothing was applied for or withdrawn; try again when the link is back.</source>
        <translation>清算须连接医保中心，本机现在连接不上医保中心。未申请、也未撤销任何清算；请在网络恢复后再试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="244" />
        <source>Select an application that is in force first.</source>
        <translation>请先选中一份有效的清算申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="247" />
        <source>Withdraw the clearing application</source>
        <translation>撤销清算申请</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="248" />
        <source>Withdraw clearing application %1 (%2, %3, %4, funds %5)? The month can then be applied for again.</source>
        <translation>撤销清算申请 %1（%2，%3，%4，基金 %5）？撤销后本月可重新申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="254" />
        <source>&amp;Yes, withdraw</source>
        <translation>是，撤销(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="255" />
        <source>&amp;No</source>
        <translation>否(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="266" />
        <source>Nothing was withdrawn.</source>
        <translation>未撤销任何申请。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/clearing_page.py" line="277" />
        <source>Application %1 withdrawn.</source>
        <translation>清算申请 %1 已撤销。</translation>
    </message>
</context>
<context>
    <name>ConfirmDialog</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="88" />
        <source>Confirm settlement</source>
        <translation>确认结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="88" />
        <location filename="../../hospital_client/ui/settle_page.py" line="94" />
        <source>Offline settlement · provisional</source>
        <translation>离线结算·暂定</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="95" />
        <source>The insurance centre cannot be reached now: this settlement is kept on this desk as provisional and confirmed by the centre once online; a difference is paid or refunded then.</source>
        <translation>当前无法连接医保中心：本次结算先在本机保存为暂定结果，联网后由医保中心复核确认；如有差额，届时补费或退费。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="105" />
        <source>Total %1 yuan; funds pay %2 yuan.</source>
        <translation>医疗费用总额 %1 元，基金支付 %2 元。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="108" />
        <source>Patient pays</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="112" />
        <source>In words:</source>
        <translation>大写：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="118" />
        <source>Settle (Enter)</source>
        <translation>确认结算（Enter）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="119" />
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="132" />
        <source>Tendered ¥%1, change ¥%2.</source>
        <translation>实收 ¥%1，找零 ¥%2。</translation>
    </message>
</context>
<context>
    <name>DayEndPage</name>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="39" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="63" />
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="40" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="64" />
        <source>Export PDF…</source>
        <translation>导出 PDF…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="41" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="65" />
        <source>Export Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="43" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="43" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="48" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="48" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="72" />
        <source>Settlements</source>
        <translation>结算笔数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="48" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="72" />
        <source>Reversals</source>
        <translation>冲正笔数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="56" />
        <source>Day-end by operator</source>
        <translation>日结（按操作员）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="67" />
        <source>Month</source>
        <translation>月份</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="73" />
        <source>Confirmed (to claim)</source>
        <translation>已确认（申报）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="73" />
        <source>Provisional (not confirmed)</source>
        <translation>暂定（未确认）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="91" />
        <source>Show my day</source>
        <translation>查看本人日结</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="92" />
        <source>Close my day…</source>
        <translation>日结…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="94" />
        <source>Day-close sheet PDF…</source>
        <translation>日结单 PDF…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="95" />
        <source>Day-close sheet Excel…</source>
        <translation>日结单 Excel…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="102" />
        <source>My day close (%1)</source>
        <translation>本人日结（%1）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="147" />
        <source>Closed at %1</source>
        <translation>已于 %1 日结</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="148" />
        <source>Not closed yet</source>
        <translation>尚未日结</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="152" />
        <source>Settlements %1, reversals %2; patients paid ¥%3 (funds ¥%4).</source>
        <translation>结算 %1 笔，冲正 %2 笔；个人现金 ¥%3（基金支付 ¥%4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="155" />
        <source>By payment method:</source>
        <translation>按支付方式：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="156" />
        <source>Tendered ¥%1, change ¥%2.</source>
        <translation>实收 ¥%1，找零 ¥%2。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="161" />
        <source>%1 provisional settlements are still waiting for the insurance centre.</source>
        <translation>%1 笔暂定结算仍在等待医保中心确认。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="170" />
        <source>Close my day</source>
        <translation>日结</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="171" />
        <source>Close today's takings for %1? Afterwards no more settlements can be made under this operator today, and a reversal needs a supervisor.</source>
        <translation>为 %1 办理今日日结？日结后该操作员今天不能再结算，冲正须由主管办理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="179" />
        <source>Day closed. Print the day-close sheet and sign it.</source>
        <translation>已日结。请打印日结单并签字。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="201" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="223" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="251" />
        <location filename="../../hospital_client/ui/screenshots.py" line="234" />
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="188" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="230" />
        <location filename="../../hospital_client/ui/dayend_page.py" line="258" />
        <source>PDF file (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="72" />
        <source>Fund</source>
        <translation>基金名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="72" />
        <source>Fund code</source>
        <translation>基金编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="73" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="81" />
        <source>Monthly statement per fund (to claim advanced payments)</source>
        <translation>基金支付月报（用于申报垫付资金）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="122" />
        <source>Written to %1</source>
        <translation>已输出到 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="132" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/dayend_page.py" line="218" />
        <location filename="../../hospital_client/ui/screenshots.py" line="233" />
        <source>Save as</source>
        <translation>另存为</translation>
    </message>
</context>
<context>
    <name>EntryDialog</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="102" />
        <source>Settlement %1</source>
        <translation>结算 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="105" />
        <source>Provisional (offline)</source>
        <translation>暂定（离线）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="105" />
        <source>Final</source>
        <translation>最终</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="106" />
        <source>Settlement</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="106" />
        <source>Reversal</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="108" />
        <source>Admission no. %1</source>
        <translation>住院号 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="109" />
        <source>Queue no. %1</source>
        <translation>排队号 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="112" />
        <source>Clerk %1</source>
        <translation>经办人 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="119" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>FeeTableModel</name>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="114" />
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="115" />
        <source>Code</source>
        <translation>医保编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="116" />
        <source>Item</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="117" />
        <source>Class</source>
        <translation>等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="118" />
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="119" />
        <source>Qty</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="90" />
        <location filename="../../hospital_client/ui/models.py" line="120" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="89" />
        <source>Bill line no.</source>
        <translation>明细序号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="89" />
        <source>Catalogue code</source>
        <translation>医保目录编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="89" />
        <source>Item name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="90" />
        <source>Class (甲/乙/丙)</source>
        <translation>等级（甲类/乙类/丙类）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="90" />
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="90" />
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="91" />
        <source>Self-pay share of a class B item</source>
        <translation>乙类项目个人先行自付比例</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="91" />
        <source>Over the price cap (self-paid)</source>
        <translation>超限价金额（个人自付）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="92" />
        <source>First self-pay of a class B item</source>
        <translation>乙类项目先行自付金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="92" />
        <source>In the policy's range (the fund pays from it)</source>
        <translation>政策范围内金额（医保按比例支付）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="93" />
        <source>Flags: what the fund refuses or pays only partly</source>
        <translation>标记：医保拒付或只部分支付的原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="121" />
        <source>Self-pay share</source>
        <translation>自付比例</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="122" />
        <source>Over cap</source>
        <translation>超限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="123" />
        <source>First self-pay</source>
        <translation>先行自付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="124" />
        <source>In policy range</source>
        <translation>政策范围内</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="125" />
        <source>Flags</source>
        <translation>标记</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="129" />
        <source>A (甲)</source>
        <translation>甲类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="129" />
        <source>B (乙)</source>
        <translation>乙类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="129" />
        <source>C (丙)</source>
        <translation>丙类</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="134" />
        <source>review block %1: self-paid</source>
        <translation>审核拦截 %1：按自费</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="136" />
        <source>review warning %1</source>
        <translation>审核提示 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="138" />
        <source>not in catalogue: self-paid</source>
        <translation>目录外，全自费</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="140" />
        <source>over price cap</source>
        <translation>超限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/models.py" line="142" />
        <source>returned item</source>
        <translation>退费</translation>
    </message>
</context>
<context>
    <name>FilingDialog</name>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="57" />
        <source>Chronic disease filings</source>
        <translation>门诊慢特病备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="69" />
        <source>The doctor who certified the disease (optional)</source>
        <translation>确诊医师（可不填）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="70" />
        <source>File this disease</source>
        <translation>备案此病种</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="75" />
        <source>Filing no.</source>
        <translation>备案流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="75" />
        <location filename="../../hospital_client/ui/filing_dialog.py" line="99" />
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="75" />
        <source>Name</source>
        <translation>病种名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="76" />
        <location filename="../../hospital_client/ui/filing_dialog.py" line="100" />
        <source>From</source>
        <translation>开始日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="76" />
        <source>To</source>
        <translation>结束日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="76" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="85" />
        <source>Why the chosen filing is revoked</source>
        <translation>撤销所选备案的原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="86" />
        <source>Revoke the chosen filing</source>
        <translation>撤销所选备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="89" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="98" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="101" />
        <source>Doctor</source>
        <translation>医师</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="108" />
        <source>Filings at the insurance centre</source>
        <translation>医保中心的备案记录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="115" />
        <source>The patient's policy has no chronic disease list.</source>
        <translation>该患者的政策包没有门诊慢特病病种目录。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="128" />
        <source>Asking the insurance centre…</source>
        <translation>正在查询医保中心…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="134" />
        <source>Choose a disease first.</source>
        <translation>请先选择病种。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="142" />
        <source>Filed: %1 %2, no. %3.</source>
        <translation>已备案：%1 %2，备案流水号 %3。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="144" />
        <source>Filing…</source>
        <translation>正在备案…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="154" />
        <source>Choose an active filing in the table first.</source>
        <translation>请先在表中选择一条有效的备案。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="158" />
        <source>Give the reason of the revocation first.</source>
        <translation>请先填写撤销原因。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="165" />
        <source>Revoked: filing no. %1.</source>
        <translation>已撤销：备案流水号 %1。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="166" />
        <source>Revoking…</source>
        <translation>正在撤销…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="174" />
        <source>No chronic disease filing yet.</source>
        <translation>尚无门诊慢特病备案。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="175" />
        <source>%1 filing(s).</source>
        <translation>共 %1 条备案。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="182" />
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="182" />
        <source>revoked</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/filing_dialog.py" line="191" />
        <source>open</source>
        <translation>长期</translation>
    </message>
</context>
<context>
    <name>FirstSettlementDialog</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="207" />
        <source>This stay is already settled</source>
        <translation>该次住院已结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="210" />
        <source>This stay already has a settlement in force:</source>
        <translation>该次住院已有一笔有效结算：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="214" />
        <source>Settlement no.</source>
        <translation>结算号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="214" />
        <source>Queue no.</source>
        <translation>流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="215" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="215" />
        <source>Clerk</source>
        <translation>收费员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="216" />
        <source>Total</source>
        <translation>总额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="216" />
        <location filename="../../hospital_client/ui/settle_page.py" line="217" />
        <source>yuan</source>
        <translation>元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="217" />
        <source>Patient paid</source>
        <translation>患者已付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="225" />
        <source>To correct it, a supervisor reverses it first; then the stay can be settled again.</source>
        <translation>如需更正，须由主管先冲正该笔结算，然后才能重新结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="228" />
        <source>Reprint its slip</source>
        <translation>补打其结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="230" />
        <source>Reverse (supervisor)…</source>
        <translation>冲正（主管）…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="232" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>HistoryPage</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="145" />
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="145" />
        <source>Provisional (offline)</source>
        <translation>暂定（离线）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="146" />
        <location filename="../../hospital_client/ui/history_page.py" line="166" />
        <source>Final</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="146" />
        <source>Reversed</source>
        <translation>已冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="147" />
        <source>Reversal entries</source>
        <translation>冲正记录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="149" />
        <source>Search</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="152" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="152" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="156" />
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="156" />
        <source>Queue no.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="157" />
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="157" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="158" />
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="158" />
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="159" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="160" />
        <source>ID number</source>
        <translation>证件号码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="160" />
        <source>Admission no.</source>
        <translation>住院号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="161" />
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="161" />
        <source>Funds</source>
        <translation>基金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="161" />
        <source>Cash</source>
        <translation>个人现金</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="162" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="162" />
        <source>Upload</source>
        <translation>上传状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="179" />
        <source>Open</source>
        <translation>查看</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="180" />
        <source>Reprint slip</source>
        <translation>补打结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="181" />
        <source>Reverse…</source>
        <translation>冲正…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="349" />
        <source>Give the patient back %1 yuan.</source>
        <translation>退还患者 %1 元。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="165" />
        <source>Settlement</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="136" />
        <source>ID number, name, person no., admission no. or settlement no.</source>
        <translation>身份证号、姓名、人员编号、住院号或结算流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="165" />
        <source>Reversal</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="166" />
        <source>Provisional</source>
        <translation>暂定</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="167" />
        <source>Queued</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="167" />
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="167" />
        <source>Accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="168" />
        <source>Adjusted</source>
        <translation>有差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="168" />
        <source>Rejected</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="169" />
        <source> (reversed)</source>
        <translation>（已冲正）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="182" />
        <source>Admission and discharge…</source>
        <translation>出入院办理…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="216" />
        <source>%1 entries</source>
        <translation>共 %1 条</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="245" />
        <source>Select a settlement first.</source>
        <translation>请先选择一笔结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="271" />
        <source>Slip written to %1</source>
        <translation>结算单已输出到 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="278" />
        <source>Only a settlement that is not yet reversed (冲正) can be reversed.</source>
        <translation>只能冲正尚未冲正的结算记录。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="347" />
        <source>Reversed: new entry %1.</source>
        <translation>已冲正：新记录流水号 %1。</translation>
    </message>
</context>
<context>
    <name>IdentifyControls</name>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="63" />
        <source>Read card</source>
        <translation>读卡</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="65" />
        <source>Read the social security card or ID card on the reader</source>
        <translation>读取读卡器上的社保卡或身份证</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="96" />
        <source>Reading the card…</source>
        <translation>正在读卡…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="131" />
        <source>Insurance benefits: normal</source>
        <translation>医保待遇：正常</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="133" />
        <source>further notice</source>
        <translation>另行通知</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/identify_controls.py" line="136" />
        <source>Insurance benefits %1 from %2 to %3: %4. This stay cannot be settled with the insurance.</source>
        <translation>医保%1：%2 至 %3，%4。本次就诊不能按医保结算。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="29" />
        <source>Log in — Discharge settlement</source>
        <translation>登录 — 出院结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="45" />
        <source>Operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="46" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="48" />
        <source>Log in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="49" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="55" />
        <source>Demo site: operator demo / demo123 (clerk), super / super123 (supervisor), admin / admin123 (admin).</source>
        <translation>演示站点：收费员 demo / demo123，主管 super / super123，管理员 admin / admin123。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="70" />
        <source>Enter operator name and password.</source>
        <translation>请输入操作员和密码。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/login_dialog.py" line="73" />
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="82" />
        <source>Discharge settlement — %1</source>
        <translation>出院结算 — %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="104" />
        <location filename="../../hospital_client/ui/main_window.py" line="135" />
        <source>Settle</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="106" />
        <source>History</source>
        <translation>结算记录</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="110" />
        <source>Day-end</source>
        <translation>日结与月报</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="108" />
        <source>Upload and sync</source>
        <translation>上传与同步</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="112" />
        <location filename="../../hospital_client/ui/main_window.py" line="144" />
        <source>Settlement lists</source>
        <translation>结算清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="114" />
        <location filename="../../hospital_client/ui/main_window.py" line="146" />
        <source>Clearing</source>
        <translation>清算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="116" />
        <location filename="../../hospital_client/ui/main_window.py" line="145" />
        <source>Outpatient</source>
        <translation>门诊</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="121" />
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="131" />
        <source>Identify patient</source>
        <translation>识别患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="132" />
        <source>Import bill</source>
        <translation>导入费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="133" />
        <source>Compute</source>
        <translation>试算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="137" />
        <source>Print slip</source>
        <translation>打印结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="139" />
        <source>New patient</source>
        <translation>下一位患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="141" />
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="142" />
        <source>Amount tendered</source>
        <translation>实收金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="143" />
        <location filename="../../hospital_client/ui/main_window.py" line="159" />
        <source>Log out / switch operator</source>
        <translation>注销/切换操作员</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="167" />
        <source>Database not encrypted</source>
        <translation>数据库未加密</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="170" />
        <source>Ask IT to run: hospital-client encrypt --db PATH (docs/operations.md)</source>
        <translation>请信息科运行：hospital-client encrypt --db 路径（见 docs/operations.md）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="422" />
        <source>%1 waiting</source>
        <translation>%1 笔</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="424" />
        <source>this desk has no insurance centre configured</source>
        <translation>本窗口未配置医保中心</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="425" />
        <source>the insurance centre does not answer</source>
        <translation>医保中心无应答</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="426" />
        <source>the last sync with the insurance centre failed</source>
        <translation>上次与医保中心同步未成功</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="427" />
        <source>OFFLINE: %1. Settlements made now are provisional (离线结算·暂定) and are confirmed by the insurance centre once online.</source>
        <translation>离线：%1。现在办理的结算均为“离线结算·暂定”，联网后由医保中心复核确认。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="430" />
        <source>Queued for upload: %1.</source>
        <translation>待上传：%1。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="436" />
        <source>%1 provisional settlement(s) (离线结算·暂定) not yet confirmed by the insurance centre. Sync now: F8.</source>
        <translation>有 %1 笔离线结算·暂定尚未得到医保中心确认。立即同步请按 F8。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="460" />
        <source>Offline (no server configured)</source>
        <translation>离线（未配置医保中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="463" />
        <source>Offline: the insurance centre does not answer</source>
        <translation>离线：医保中心无应答</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="466" />
        <source>Offline: last sync failed</source>
        <translation>离线：上次同步失败</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="469" />
        <source>Online</source>
        <translation>联网</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="477" />
        <source>Policy packs: %1</source>
        <translation>政策包：%1 个</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="441" />
        <source>Queued: %1</source>
        <translation>待上传：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="474" />
        <source>Last sync: %1</source>
        <translation>最近同步：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="475" />
        <source>Last sync: never</source>
        <translation>最近同步：无</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/main_window.py" line="480" />
        <source>Clock differs from the centre</source>
        <translation>本机时钟与医保中心不一致</translation>
    </message>
</context>
<context>
    <name>OutpatientPage</name>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="95" />
        <source>Scan or type the insurance number, ID or card number, Enter</source>
        <translation>扫码或输入医保编号、身份证号或卡号，按回车</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="109" />
        <source>General outpatient (11)</source>
        <translation>普通门诊（11）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="110" />
        <source>Chronic/special disease outpatient (14)</source>
        <translation>门诊慢特病（14）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="116" />
        <source>Disease</source>
        <translation>病种</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="120" />
        <source>Item no. or code, *quantity, @price; Enter adds; Enter on an empty box settles</source>
        <translation>项目序号或编码，*数量，@单价；回车添加；空白时回车结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="133" />
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="133" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="133" />
        <source>Price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="134" />
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="134" />
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="141" />
        <source>Total</source>
        <translation>医疗费总额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="141" />
        <source>Deductible</source>
        <translation>起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="142" />
        <source>Pool pays</source>
        <translation>统筹支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="142" />
        <source>Funds pay</source>
        <translation>基金支付合计</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="143" />
        <source>Patient pays</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="144" />
        <source>Figures</source>
        <translation>结算金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="168" />
        <source>Settle</source>
        <translation>结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="171" />
        <source>F9 or Ctrl+Enter</source>
        <translation>F9 或 Ctrl+Enter</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="173" />
        <source>Next patient</source>
        <translation>下一位</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="174" />
        <location filename="../../hospital_client/ui/outpatient_page.py" line="508" />
        <source>Visit from HIS file</source>
        <translation>从 HIS 文件读取就诊</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="176" />
        <source>Reprint slip</source>
        <translation>补打结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="180" />
        <source>Chronic disease filing</source>
        <translation>慢特病备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="193" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="200" />
        <source>Type (Ctrl+M)</source>
        <translation>医疗类别（Ctrl+M）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="201" />
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="214" />
        <source>Scan or type the patient's number and press Enter.</source>
        <translation>请扫码或输入患者编号，然后按回车。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="227" />
        <source>Looking up…</source>
        <translation>正在查找…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="236" />
        <source>No insured person with this number in the roster.</source>
        <translation>参保人员名册中没有此编号的人员。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="246" />
        <source>Type an item (its number or code) and press Enter.</source>
        <translation>请输入项目（序号或编码）后按回车。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="287" />
        <source>filed</source>
        <translation>已备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="287" />
        <source>not filed</source>
        <translation>未备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="287" />
        <source>filing unknown (offline)</source>
        <translation>备案未知（未连中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="291" />
        <source>The patient's policy has no chronic disease list.</source>
        <translation>该参保人的政策没有门诊慢特病病种目录。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="307" />
        <source>Identify the patient first (the box above, Enter), then type the items.</source>
        <translation>请先识别患者（在上方输入框扫码或输入后按回车），再输入项目。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="313" />
        <source>Unknown item: give its number in the quick list or its catalogue code, e.g. 1*2 or CODE*2@3.50.</source>
        <translation>未知项目：请输入常用项目序号或目录编码，例如 1*2 或 编码*2@3.50。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="321" />
        <source>Next item, or Enter in the empty box to settle.</source>
        <translation>继续输入项目，或在空白的项目框按回车结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="410" />
        <source>Already settled. Ctrl+N for the next patient.</source>
        <translation>已结算。按 Ctrl+N 接待下一位。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="448" />
        <source>No visit settled yet: its slip is printed after the settlement.</source>
        <translation>尚无已结算的门诊：结算后会自动打印结算单。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="464" />
        <source>Slip written to %1</source>
        <translation>结算单已输出到 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="473" />
        <source>Identify the patient first, then Ctrl+B for their chronic disease filings.</source>
        <translation>请先识别患者，再按 Ctrl+B 办理其门诊慢特病备案。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="381" />
        <location filename="../../hospital_client/ui/outpatient_page.py" line="418" />
        <source>Identify the patient, choose the disease (14) and add at least one item first.</source>
        <translation>请先识别患者、选择病种（门诊慢特病）并至少添加一个项目。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="127" />
        <source>Quick items:</source>
        <translation>常用项目：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="422" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/outpatient_page.py" line="432" />
        <source>No. %1 settled: %2. Patient pays %3. Next patient: scan the number.</source>
        <translation>第 %1 号已结算：%2。个人现金支付 %3 元。下一位请扫码。</translation>
    </message>
</context>
<context>
    <name>OverlapDialog</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="153" />
        <source>Overlapping stay</source>
        <translation>住院日期重叠</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="156" />
        <source>This patient already has a settlement in force for a stay whose dates overlap this one, and one of the two stays was typed by hand (no admission no. from HIS). It may be the same stay settled twice.</source>
        <translation>该患者已有一笔有效结算，其住院日期与本次重叠，且两次住院中有一次为手工录入（无 HIS 住院号）。可能是同一次住院重复结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="163" />
        <source>No. %1, queue no. %2: admission no. %3, %4 to %5, settled %6 by %7, total %8 yuan.</source>
        <translation>结算号 %1，流水号 %2：住院号 %3，%4 至 %5，%6 由 %7 结算，总额 %8 元。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="173" />
        <source>Why this is another stay (required, recorded)</source>
        <translation>为何是另一次住院（必填，将记录）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="175" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="183" />
        <source>Settle anyway</source>
        <translation>仍然结算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="184" />
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="192" />
        <source>Give the reason first.</source>
        <translation>请先填写原因。</translation>
    </message>
</context>
<context>
    <name>OverrideDialog</name>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="37" />
        <source>Supervisor override of a blocked item</source>
        <translation>主管放行被拦截项目</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="40" />
        <source>The fund will refuse these items and they are now charged to the patient. A supervisor may let the fund pay them as billed, with a reason; the override is recorded and sent to the insurance centre.</source>
        <translation>以下项目基金将不予支付，现按个人自费计算。主管可填写理由后放行，由基金按原单支付；放行记录会保存并上传医保中心。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="49" />
        <source>%1 yuan</source>
        <translation>%1 元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="64" />
        <source>Why the fund should pay (e.g. the indication is documented in the medical record)</source>
        <translation>基金应予支付的理由（如：病历中有适应症记录）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="68" />
        <source>Supervisor login</source>
        <translation>主管登录名</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="69" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="70" />
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="77" />
        <source>Override</source>
        <translation>放行</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="78" />
        <source>Back (Esc)</source>
        <translation>返回（Esc）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="96" />
        <source>Tick at least one blocked item.</source>
        <translation>请至少勾选一项被拦截的项目。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="98" />
        <source>A supervisor signs in here with their own login and password.</source>
        <translation>请主管在此用本人登录名和密码确认。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="100" />
        <source>Give the reason.</source>
        <translation>请填写理由。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/override_dialog.py" line="102" />
        <source>The reason is too long (at most 500 characters).</source>
        <translation>理由过长（最多 500 字）。</translation>
    </message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="38" />
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="39" />
        <source>%1 File</source>
        <translation>%1 文件</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="40" />
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="41" />
        <source>Drive</source>
        <translation>驱动器</translation>
    </message>
</context>
<context>
    <name>QFileDialog</name>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="35" />
        <source>&amp;Look in:</source>
        <translation>查找范围(&amp;L)：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/i18n.py" line="36" />
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
</context>
<context>
    <name>QueuePage</name>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="46" />
        <source>Sync now (F8)</source>
        <translation>立即同步（F8）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="52" />
        <source>Queued</source>
        <translation>待上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="52" />
        <source>Sent</source>
        <translation>已发送</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="52" />
        <source>Accepted</source>
        <translation>已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="53" />
        <source>Adjusted</source>
        <translation>有差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="53" />
        <source>Rejected</source>
        <translation>被拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="56" />
        <location filename="../../hospital_client/ui/queue_page.py" line="62" />
        <location filename="../../hospital_client/ui/queue_page.py" line="66" />
        <source>Settlement no.</source>
        <translation>流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="56" />
        <location filename="../../hospital_client/ui/queue_page.py" line="75" />
        <source>Transaction</source>
        <translation>交易</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="57" />
        <location filename="../../hospital_client/ui/queue_page.py" line="62" />
        <source>Message id</source>
        <translation>报文编号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="57" />
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="58" />
        <source>Attempts</source>
        <translation>尝试次数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="58" />
        <source>Last error</source>
        <translation>最近错误</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="59" />
        <location filename="../../hospital_client/ui/queue_page.py" line="63" />
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="63" />
        <location filename="../../hospital_client/ui/queue_page.py" line="76" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="66" />
        <source>Queue no.</source>
        <translation>排队号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="67" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="67" />
        <source>Patient pays more (+) / gets back (−)</source>
        <translation>个人补交（+）/ 退还（−）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="69" />
        <source>Pool</source>
        <translation>统筹</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="69" />
        <source>Critical illness</source>
        <translation>大病保险</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="70" />
        <source>Assistance</source>
        <translation>医疗救助</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="70" />
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="71" />
        <source>Resolved by</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="75" />
        <source>Stay</source>
        <translation>就诊号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="76" />
        <source>Refused at</source>
        <translation>拒绝时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="82" />
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="83" />
        <source>Mark as settled with the patient…</source>
        <translation>标记为已与患者结清…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="84" />
        <source>Print notice for the patient</source>
        <translation>打印患者调整通知单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="90" />
        <source>Discharges made while offline that the centre refused: check the stay (e.g. its admission), then make the discharge again from History (Ctrl+T).</source>
        <translation>离线时办理、上传后被医保中心拒绝的出院办理：请核对该次就诊（例如是否已办理入院登记），然后在“结算记录”中重新办理出院（Ctrl+T）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="95" />
        <source>Dealt with: remove from the list</source>
        <translation>已处理，移出列表</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="106" />
        <source>Upload queue</source>
        <translation>上传队列</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="107" />
        <source>Refused by the centre</source>
        <translation>医保中心拒绝</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="108" />
        <source>Adjustments to resolve</source>
        <translation>待处理差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="142" />
        <source>Waiting %1 · accepted %2 · with a difference %3 · refused %4 · adjustments open %5</source>
        <translation>待上传 %1 · 已确认 %2 · 有差额 %3 · 被拒绝 %4 · 待处理差额 %5</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="147" />
        <source>%1 discharge(s) made while offline were refused by the centre: see "Refused by the centre".</source>
        <translation>离线时办理的出院有 %1 笔被中心拒绝：见“医保中心拒绝”。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="149" />
        <source>Last successful sync: %1</source>
        <translation>最近成功同步：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="150" />
        <source>Never synced.</source>
        <translation>尚未同步。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="152" />
        <source>The last sync failed (the details are in the tooltip).</source>
        <translation>上次同步未成功（详情见鼠标悬停提示）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="154" />
        <source>No central server is configured: this desk works offline (demo site).</source>
        <translation>未配置医保中心：本窗口离线工作（演示站点）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="166" />
        <source>Sent at settlement; waiting for the answer</source>
        <translation>结算时已发送，等待医保中心应答</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="167" />
        <source>No answer from the centre yet</source>
        <translation>医保中心尚未返回结果</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="168" />
        <source>Not received by the centre; sent again at the next sync</source>
        <translation>医保中心未收到，下次同步时重发</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="169" />
        <source>Not delivered (the details are in the tooltip)</source>
        <translation>未送达（详情见鼠标悬停提示）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="183" />
        <source>Syncing with the insurance centre…</source>
        <translation>正在与医保中心同步…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="190" />
        <source>Another sync of this desk is running; try again in a moment.</source>
        <translation>本窗口的另一次同步正在进行，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="192" />
        <source>Sync done: sent %1, accepted %2, with a difference %3, refused %4, still waiting %5.</source>
        <translation>同步完成：发送 %1，确认 %2，有差额 %3，被拒绝 %4，仍待上传 %5。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="196" />
        <source>The sync did not finish (the details are in the tooltip).</source>
        <translation>同步未完成（详情见鼠标悬停提示）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="209" />
        <source>Select a line first.</source>
        <translation>请先选择一行。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="219" />
        <source>Queued again for the next sync.</source>
        <translation>已重新排队，下次同步时上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="227" />
        <source>Removed from the list.</source>
        <translation>已移出列表。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="238" />
        <source>This adjustment is already resolved.</source>
        <translation>此差额已处理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="241" />
        <source>Resolve adjustment</source>
        <translation>处理差额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="242" />
        <source>How was the difference settled (receipt no., note)?</source>
        <translation>差额如何结清（收据号、备注）？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="247" />
        <source>Adjustment resolved.</source>
        <translation>差额已处理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/queue_page.py" line="267" />
        <source>Notice written to %1</source>
        <translation>通知单已输出到 %1</translation>
    </message>
</context>
<context>
    <name>ReverseDialog</name>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="45" />
        <source>Reverse settlement %1</source>
        <translation>冲正结算 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="54" />
        <source>Settlement no. %1, %2: total %3, funds %4, the patient paid %5 and gets it back.</source>
        <translation>结算流水号 %1（%2）：医疗费用总额 %3 元，基金支付 %4 元，患者已付现金 %5 元，冲正后退还患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="69" />
        <location filename="../../hospital_client/ui/history_page.py" line="87" />
        <source>Supervisor</source>
        <translation>主管</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="70" />
        <location filename="../../hospital_client/ui/history_page.py" line="88" />
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="71" />
        <location filename="../../hospital_client/ui/history_page.py" line="89" />
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="72" />
        <source>A reversal is a new journal entry with the figures negated; the original stays. The patient's year-to-date use goes back.</source>
        <translation>冲正会新增一条金额取反的记录，原记录保留；患者的年度累计随之回退。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="75" />
        <source>Reverse</source>
        <translation>冲正</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="76" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="95" />
        <source>Fill in: %1.</source>
        <translation>请填写：%1。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/history_page.py" line="95" />
        <source>, </source>
        <translation>、</translation>
    </message>
</context>
<context>
    <name>ReviewGate</name>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="275" />
        <source>Override by %1 applied: check the split, then settle (F9).</source>
        <translation>已按主管 %1 的放行重算：请核对分担后结算 (F9)。</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="34" />
        <source>Site</source>
        <translation>站点</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="36" />
        <source>Medical institution code</source>
        <translation>定点医疗机构编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="37" />
        <location filename="../../hospital_client/ui/settings_page.py" line="86" />
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="38" />
        <source>Region (admdvs)</source>
        <translation>所在统筹区（区划代码）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="39" />
        <source>Site file</source>
        <translation>站点配置文件</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="39" />
        <source>none: embedded demo site</source>
        <translation>无：内置演示站点</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="43" />
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="44" />
        <source>not configured (offline)</source>
        <translation>未配置（离线）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="48" />
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="53" />
        <source>Central server</source>
        <translation>医保中心服务器</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="55" />
        <source>IT changes the site, the server and its secret with the set-up command (see the operations guide); the secret is kept in the system keyring.</source>
        <translation>站点、医保中心服务器及接入密钥由信息科用设置命令修改（见运维手册）；密钥保存在系统密钥环中。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="61" />
        <source>This desk</source>
        <translation>本窗口</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="65" />
        <source>PDF file (no printer)</source>
        <translation>PDF 文件（无打印机）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="78" />
        <source>Slip printer</source>
        <translation>结算单打印机</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="79" />
        <source>Interface language</source>
        <translation>界面语言</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="82" />
        <source>Policy packs</source>
        <translation>政策包</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="84" />
        <source>Pack</source>
        <translation>政策包</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="84" />
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="85" />
        <source>Valid from</source>
        <translation>生效日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="85" />
        <source>Valid to</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="86" />
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="115" />
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="120" />
        <source>Saved. The new language applies when the program starts again.</source>
        <translation>已保存。新语言在程序重新启动后生效。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settings_page.py" line="126" />
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
</context>
<context>
    <name>SettlePage</name>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="142" />
        <source>No amount tendered was entered: exact payment of ¥%1 is assumed (recorded as received on the slip, no change).</source>
        <translation>未录入实收金额：按应付金额 ¥%1 足额收讫（结算单实收金额同此，无找零）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="268" />
        <source>Scan the e-voucher or social security card, or type the ID number (F2)</source>
        <translation>扫描医保电子凭证、社保卡，或输入身份证号（F2）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="270" />
        <source>Find</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="272" />
        <location filename="../../hospital_client/ui/settle_page.py" line="537" />
        <source>No patient yet.</source>
        <translation>尚未识别患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="275" />
        <source>Patient</source>
        <translation>患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="293" />
        <location filename="../../hospital_client/ui/settle_page.py" line="306" />
        <source>Level 1</source>
        <translation>一级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="293" />
        <location filename="../../hospital_client/ui/settle_page.py" line="306" />
        <source>Level 2</source>
        <translation>二级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="293" />
        <location filename="../../hospital_client/ui/settle_page.py" line="306" />
        <source>Level 3</source>
        <translation>三级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="303" />
        <source>ICD-10, e.g. J18.900</source>
        <translation>ICD-10 编码，如 J18.900</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="304" />
        <source>Referred from</source>
        <translation>转诊自</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="310" />
        <source>Out-of-area stay registered (异地备案)</source>
        <translation>已办理异地就医备案</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="312" />
        <source>Mid-stay settlement (中途结算): the stay goes on</source>
        <translation>中途结算（住院继续）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="314" />
        <source>Stay</source>
        <translation>住院信息</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="316" />
        <location filename="../../hospital_client/ui/settle_page.py" line="341" />
        <source>Admission no.</source>
        <translation>住院号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="318" />
        <source>Hospital level</source>
        <translation>医院等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="320" />
        <location filename="../../hospital_client/ui/settle_page.py" line="341" />
        <source>Admitted</source>
        <translation>入院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="322" />
        <location filename="../../hospital_client/ui/settle_page.py" line="342" />
        <source>Discharged</source>
        <translation>出院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="324" />
        <location filename="../../hospital_client/ui/settle_page.py" line="342" />
        <source>Diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="329" />
        <source>deductible paid</source>
        <translation>已付起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="338" />
        <source>Unlock a field</source>
        <translation>解锁字段</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="358" />
        <source>Import bill (F4)</source>
        <translation>导入明细（F4）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="360" />
        <location filename="../../hospital_client/ui/settle_page.py" line="545" />
        <source>No bill loaded.</source>
        <translation>尚未导入费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="385" />
        <location filename="../../hospital_client/ui/settle_page.py" line="520" />
        <location filename="../../hospital_client/ui/settle_page.py" line="548" />
        <location filename="../../hospital_client/ui/settle_page.py" line="832" />
        <source>Patient pays</source>
        <translation>个人现金支付</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="413" />
        <source>amount tendered (F7)</source>
        <translation>实收金额（F7）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="423" />
        <source>Compute (F5)</source>
        <translation>试算（F5）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="425" />
        <source>Settle (F9)</source>
        <translation>结算（F9）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="428" />
        <source>Print slip (F12)</source>
        <translation>打印结算单（F12）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="430" />
        <source>New patient (Esc)</source>
        <translation>下一位（Esc）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="441" />
        <source>Payment</source>
        <translation>支付方式</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="441" />
        <source>Tendered</source>
        <translation>实收</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="522" />
        <source>The stay changed: press F5 to compute again.</source>
        <translation>住院信息已修改，请按 F5 重新试算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="554" />
        <source>Scan or type the patient's code, then import the bill (F4).</source>
        <translation>请扫描或输入患者凭证号，然后导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="564" />
        <source>From the HIS hand-off</source>
        <translation>来自 HIS 交接，只读</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="576" />
        <source>Only a stay taken from HIS has locked fields.</source>
        <translation>只有取自 HIS 的住院才有锁定字段。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="586" />
        <source>From the HIS hand-off, unlocked by the clerk (recorded)</source>
        <translation>来自 HIS 交接，已由收费员解锁（已记录）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="589" />
        <source>Field unlocked (recorded). Check it against the patient's papers.</source>
        <translation>字段已解锁（已记录）。请对照患者资料核对。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="612" />
        <source>Press Esc for the next patient first.</source>
        <translation>请先按 Esc 进入下一位患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="620" />
        <source>Taking the stay from HIS…</source>
        <translation>正在从 HIS 读取住院信息…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="635" />
        <source>From HIS, admission no. %1 (%2): %3 lines, total %4 yuan</source>
        <translation>来自 HIS，住院号 %1（%2）：%3 行，合计 %4 元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="655" />
        <source>Slip not printed</source>
        <translation>结算单未打印</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="656" />
        <source>The slip of settlement no. %1 has not been printed. Print it before the next patient?</source>
        <translation>结算流水号 %1 的结算单尚未打印。是否先打印，再接待下一位？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="658" />
        <source>Print slip</source>
        <translation>打印结算单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="659" />
        <source>Next patient without printing</source>
        <translation>不打印，下一位</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="660" />
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="676" />
        <source>Looking up…</source>
        <translation>正在查询…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="687" />
        <source>Not found in the roster. Check the code, or sync the roster.</source>
        <translation>参保人员名册中没有此人。请核对号码，或同步名册。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="688" />
        <source>No insured person with this code.</source>
        <translation>没有此号码的参保人员。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="696" />
        <source>out-of-area insured (%1)</source>
        <translation>异地参保（%1）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="702" />
        <source>This year: %1 admission(s), pool paid %2, critical-illness base %3, paid %4</source>
        <translation>本年度：住院 %1 次，统筹已付 %2，大病累计合规费用 %3，大病已付 %4</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="707" />
        <source>Patient found. Import the bill (F4).</source>
        <translation>已识别患者。请导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="714" />
        <source>Import bill</source>
        <translation>导入费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="714" />
        <source>Bills (*.json *.csv *.txt *.xlsx);;All files (*)</source>
        <translation>费用明细 (*.json *.csv *.txt *.xlsx);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="720" />
        <source>This stay's bill comes from HIS; press Esc to enter another patient by hand.</source>
        <translation>本次住院的账单来自 HIS；如需手工录入其他患者，请按 Esc。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="722" />
        <source>Reading the bill…</source>
        <translation>正在读取费用明细…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="733" />
        <source>The bill has %1 problem(s) and was refused.</source>
        <translation>费用明细有 %1 处问题，已整单拒收。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="736" />
        <source>Bill not accepted.</source>
        <translation>未导入费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="741" />
        <source>%1: %2 lines, total %3 yuan</source>
        <translation>%1：共 %2 条，合计 %3 元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="747" />
        <source>Bill loaded. Identify the patient (F2).</source>
        <translation>已导入费用明细。请识别患者（F2）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="765" />
        <source>Identify the patient first (F2).</source>
        <translation>请先识别患者（F2）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="768" />
        <source>Import the bill first (F4).</source>
        <translation>请先导入费用明细（F4）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="775" />
        <source>Enter the admission no. (住院号), or take the next waiting patient (F3).</source>
        <translation>请输入住院号，或按 F3 取下一位待结算患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="779" />
        <source>Enter the admission date.</source>
        <translation>请输入入院日期。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="796" />
        <source>Computing…</source>
        <translation>正在试算…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="807" />
        <source>Check the split, then settle (F9).</source>
        <translation>请核对费用分割，然后结算（F9）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="822" />
        <source>Mid-stay settlement, period %1: %2 – %3</source>
        <translation>中途结算（第%1段：%2—%3）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="823" />
        <source>Discharge settlement, period %1: %2 – %3 (the last of a stay settled in periods)</source>
        <translation>出院结算（第%1段：%2—%3，分段结算的最后一段）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="841" />
        <source>Already settled (no. %1). Press Esc for the next patient.</source>
        <translation>已结算（流水号 %1）。按 Esc 接待下一位患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="863" />
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="876" />
        <source>Another stay of this patient overlaps these dates: confirm with a reason, or go back.</source>
        <translation>该患者另一次住院与本次日期重叠：请填写原因确认，或返回。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="905" />
        <location filename="../../hospital_client/ui/settle_page.py" line="909" />
        <location filename="../../hospital_client/ui/settle_page.py" line="970" />
        <location filename="../../hospital_client/ui/settle_page.py" line="973" />
        <source>Change</source>
        <translation>找零</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="907" />
        <source>Short by</source>
        <translation>还差</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="932" />
        <source>The amount tendered is not an amount of money (e.g. 100 or 86.50).</source>
        <translation>实收金额格式不对（例如 100 或 86.50）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="936" />
        <source>The amount tendered is less than the amount due.</source>
        <translation>实收金额少于应收金额。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="957" />
        <source>Settled: no. %1, confirmed by the insurance centre with a different figure: the patient pays %2 more (negative: gets it back). See Upload and sync. Print the slip (F12).</source>
        <translation>结算完成：流水号 %1。医保中心确认的金额与本机不同：患者需补交 %2 元（负数为退还），请到“上传与同步”处理。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="960" />
        <source>Settled and confirmed by the insurance centre: no. %1. Print the slip (F12).</source>
        <translation>结算完成并经医保中心确认：流水号 %1。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="962" />
        <source>Settled locally (provisional): no. %1, queue no. %2, but the insurance centre refused it. See Upload and sync.</source>
        <translation>已在本机结算（暂定）：流水号 %1，排队号 %2，但医保中心拒绝了该结算。请到“上传与同步”查看。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="967" />
        <source>Settled offline (provisional): no. %1, queue no. %2. It will be confirmed by the insurance centre when online. Print the slip (F12).</source>
        <translation>离线结算（暂定）：流水号 %1，排队号 %2。联网后由医保中心复核。请打印结算单（F12）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="979" />
        <source>Offline settlement · provisional</source>
        <translation>离线结算·暂定</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="980" />
        <source>queue no. %1</source>
        <translation>排队号 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="988" />
        <source>Nothing to print yet: settle first (F9).</source>
        <translation>还没有可打印的结算单，请先结算（F9）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="994" />
        <source>Printing…</source>
        <translation>正在打印…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settle_page.py" line="999" />
        <source>Slip written to %1</source>
        <translation>结算单已输出到 %1</translation>
    </message>
</context>
<context>
    <name>SettlementListPage</name>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="72" />
        <source>Only missing and rejected</source>
        <translation>只看未上传和未通过</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="75" />
        <source>Show</source>
        <translation>查询</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="77" />
        <source>From</source>
        <translation>从</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="77" />
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="82" />
        <source>Missing (not uploaded)</source>
        <translation>未上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="82" />
        <source>Uploaded, passed</source>
        <translation>已上传，质控通过</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="83" />
        <source>Rejected by quality control</source>
        <translation>质控未通过</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="84" />
        <source>Confirmed by the records office</source>
        <translation>病案室已确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="84" />
        <source>Withdrawn (to upload again)</source>
        <translation>已撤回（待重新上传）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="85" />
        <source>Settlement not final yet</source>
        <translation>结算尚未最终确认</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="86" />
        <source>Unknown (central system not reached)</source>
        <translation>未知（未连上医保中心）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="96" />
        <source>Settlement no.</source>
        <translation>结算号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="96" />
        <source>Queue no.</source>
        <translation>流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="97" />
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="97" />
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="98" />
        <source>Stay</source>
        <translation>住院号/就诊ID</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="98" />
        <source>Central settlement id</source>
        <translation>中心结算ID</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="99" />
        <source>Settlement list</source>
        <translation>结算清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="99" />
        <source>Reasons</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="100" />
        <source>Uploaded</source>
        <translation>上传时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="101" />
        <source>Confirmed / withdrawn at</source>
        <translation>确认/撤回时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="143" />
        <source>Confirm the list</source>
        <translation>确认清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="145" />
        <source>Withdraw the list</source>
        <translation>撤回清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="236" />
        <source>Medical record (病案首页) of the settlement</source>
        <translation>选择结算的病案首页</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="237" />
        <source>Medical record (*.json);;All files (*)</source>
        <translation>病案首页 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="252" />
        <source>The medical record file is not JSON text (UTF-8); export it from HIS again.</source>
        <translation>病案首页文件不是 JSON 文本（UTF-8），请从 HIS 重新导出。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="259" />
        <source>The medical record file must hold one JSON object (dscg_way, diseinfo, oprninfo, ...).</source>
        <translation>病案首页文件应为一个 JSON 对象（dscg_way、diseinfo、oprninfo 等），请从 HIS 重新导出。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="263" />
        <source>Medical record (病案首页): %1</source>
        <translation>病案首页：%1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="270" />
        <source>Select a settlement in the table first.</source>
        <translation>请先在表中选中一笔结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="294" />
        <source>The list of settlement no. %1 is incomplete: %2 problem(s); it is not uploaded.</source>
        <translation>结算号 %1 的结算清单不完整：%2 处问题，不能上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="298" />
        <source>The list of settlement no. %1 is complete and can be uploaded.</source>
        <translation>结算号 %1 的结算清单完整，可以上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="307" />
        <source>Uploading the list of settlement no. %1…</source>
        <translation>正在上传结算号 %1 的结算清单…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="318" />
        <source>list no. %1</source>
        <translation>清单号 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="323" />
        <source>Uploaded.</source>
        <translation>已上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="340" />
        <source>Confirm the settlement list</source>
        <translation>确认结算清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="341" />
        <source>Confirm the uploaded list of settlement no. %1? A confirmed list is final and is not replaced by a new upload until it is withdrawn.</source>
        <translation>确认结算单号 %1 已上传的结算清单吗？确认后清单即为最终版本，撤回之前不能重新上传替换。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="343" />
        <source>&amp;Yes, confirm</source>
        <translation>确认(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="345" />
        <source>Withdraw the settlement list</source>
        <translation>撤回结算清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="346" />
        <source>Withdraw the uploaded list of settlement no. %1? It no longer counts until it is uploaded again.</source>
        <translation>撤回结算单号 %1 已上传的结算清单吗？撤回后清单不再有效，须重新上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="348" />
        <source>&amp;Yes, withdraw the list</source>
        <translation>撤回(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="352" />
        <source>&amp;No</source>
        <translation>否(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="363" />
        <source>Nothing was changed.</source>
        <translation>未作任何修改。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="110" />
        <source>Settlement lists</source>
        <translation>结算清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="132" />
        <source>Build and upload the selected list</source>
        <translation>生成并上传选中结算的清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="136" />
        <source>Medical record (病案首页): none chosen</source>
        <translation>病案首页：未选择</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="140" />
        <source>Medical record file…</source>
        <translation>选择病案首页文件…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="141" />
        <source>Check the list</source>
        <translation>检查清单</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="142" />
        <source>Build and upload</source>
        <translation>生成并上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="170" />
        <source>Missing or wrong in the list:</source>
        <translation>清单缺少或有误的项目：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="172" />
        <source>Central quality control:</source>
        <translation>中心质控结果：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="199" />
        <source>%1 inpatient settlements</source>
        <translation>住院结算 %1 笔</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="203" />
        <source>The central system could not be asked; the upload states are unknown.</source>
        <translation>未能连上医保中心，清单上传状态未知。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="226" />
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="316" />
        <location filename="../../hospital_client/ui/settlement_list_page.py" line="371" />
        <source>Settlement no. %1: %2</source>
        <translation>结算号 %1：%2</translation>
    </message>
</context>
<context>
    <name>StayActionsDialog</name>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="60" />
        <source>Stay %1: admission and discharge</source>
        <translation>住院 %1：出入院办理</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="63" />
        <source>Discharge (出院办理)</source>
        <translation>出院办理</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="64" />
        <source>Cancel the admission (入院撤销)</source>
        <translation>入院撤销</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="65" />
        <source>Cancel the discharge (出院撤销)</source>
        <translation>出院撤销</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="66" />
        <source>Withdraw uploaded fee lines (明细撤销)</source>
        <translation>明细撤销</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="67" />
        <source>Change the admission (信息变更)</source>
        <translation>信息变更</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="69" />
        <source>Stay %1</source>
        <translation>住院 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="77" />
        <source>1 Discharged on medical advice</source>
        <translation>1 医嘱离院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="77" />
        <source>2 Transferred on advice</source>
        <translation>2 医嘱转院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="78" />
        <source>3 To a community or township health centre</source>
        <translation>3 医嘱转社区卫生服务机构/乡镇卫生院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="79" />
        <source>4 Left against medical advice</source>
        <translation>4 非医嘱离院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="79" />
        <source>5 Died</source>
        <translation>5 死亡</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="80" />
        <source>9 Other</source>
        <translation>9 其他</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="84" />
        <source>Diagnosis codes, the main one first, separated by commas</source>
        <translation>诊断编码，主诊断在前，用逗号分隔</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="85" />
        <source>Discharge</source>
        <translation>出院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="87" />
        <source>Discharge day</source>
        <translation>出院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="88" />
        <source>Way of leaving (离院方式)</source>
        <translation>离院方式</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="89" />
        <source>Discharge diagnoses</source>
        <translation>出院诊断</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="92" />
        <source>0000: every uploaded line not yet settled</source>
        <translation>0000：所有已上传、未结算的明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="94" />
        <source>Uploaded fee lines</source>
        <translation>已上传的费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="96" />
        <source>Fee line serial no. (0000: all not settled)</source>
        <translation>费用明细流水号（0000：全部未结算明细）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="108" />
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="125" />
        <source>Change of admission information (信息变更)</source>
        <translation>住院信息变更</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="126" />
        <source>Admission day</source>
        <translation>入院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="137" />
        <source>Department code</source>
        <translation>科室编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="140" />
        <source>Department name</source>
        <translation>科室名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="150" />
        <source>Codes, the main one first (replace all)</source>
        <translation>诊断编码，主诊断在前（替换全部）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="153" />
        <source>Unchanged</source>
        <translation>不变更</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="159" />
        <source>The patient's main condition, in words</source>
        <translation>患者主要病情，用文字描述</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="162" />
        <source>Department</source>
        <translation>科室</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="163" />
        <source>Bed</source>
        <translation>床位</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="164" />
        <source>Attending doctor</source>
        <translation>主诊医师</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="165" />
        <source>Diagnoses</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="166" />
        <source>&amp;Medical type</source>
        <translation>医疗类别(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="167" />
        <source>Main conditio&amp;n (主要病情描述)</source>
        <translation>主要病情描述(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="178" />
        <source>admission day %1</source>
        <translation>入院日期 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="181" />
        <source>department %1</source>
        <translation>科室 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="183" />
        <source>bed %1</source>
        <translation>床位 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="185" />
        <source>attending doctor %1</source>
        <translation>主诊医师 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="188" />
        <source>diagnoses %1</source>
        <translation>诊断 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="190" />
        <source>medical type %1</source>
        <translation>医疗类别 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="192" />
        <source>main condition %1</source>
        <translation>主要病情描述 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="225" />
        <source>Record the discharge of stay %1 on %2 (%3) at the insurance centre?</source>
        <translation>在医保中心为住院 %1 办理出院（出院日期 %2，%3）？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="229" />
        <source>Cancel the admission of stay %1 at the insurance centre? The stay can then no longer be settled.</source>
        <translation>在医保中心撤销住院 %1 的入院登记？撤销后该次住院不能再结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="232" />
        <source>Change the admission of stay %1 at the insurance centre: %2?</source>
        <translation>在医保中心变更就诊 %1 的住院信息：%2？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="235" />
        <source>Cancel the discharge of stay %1? The stay is open again (its settlement must have been reversed first).</source>
        <translation>撤销住院 %1 的出院？撤销后恢复为在院（须先撤销其结算）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="238" />
        <source>every uploaded fee line not yet settled</source>
        <translation>所有已上传、未结算的费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="239" />
        <source>fee line %1</source>
        <translation>费用明细 %1</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="240" />
        <source>Withdraw %1 of stay %2 at the insurance centre?</source>
        <translation>在医保中心撤销住院 %2 的%1？</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="246" />
        <source>Fill in what changes first (department, bed, doctor, diagnoses, medical type, main condition or the admission day).</source>
        <translation>请先填写要变更的内容（科室、床位、医师、诊断、医疗类别、主要病情描述或入院日期）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="254" />
        <source>&amp;Yes, %1</source>
        <translation>是，%1(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="255" />
        <source>&amp;No</source>
        <translation>否(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="266" />
        <source>Nothing was sent.</source>
        <translation>未发送任何交易。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="269" />
        <source>Sending to the insurance centre…</source>
        <translation>正在发送到医保中心…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="278" />
        <source>%1: the insurance centre cannot be reached just now; it is kept and sent with the next sync.</source>
        <translation>%1：暂时连接不上医保中心，已保存，下次同步时自动发送。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/stay_actions.py" line="281" />
        <source>%1: done at the insurance centre.</source>
        <translation>%1：医保中心已办理。</translation>
    </message>
</context>
<context>
    <name>ViolationsPanel</name>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="66" />
        <location filename="../../hospital_client/ui/violations_panel.py" line="193" />
        <source>Smart review: what the fund would refuse</source>
        <translation>智能审核：基金可能拒付的费用</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="74" />
        <source>Kind</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="74" />
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="75" />
        <source>Bill lines</source>
        <translation>涉及明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="74" />
        <source>Fund refuses (yuan)</source>
        <translation>基金拒付（元）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="75" />
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="89" />
        <source>Re-import from HIS</source>
        <translation>从 HIS 重新导入</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="91" />
        <source>After HIS corrected the bill: load it again and recompute</source>
        <translation>HIS 更正费用后：重新载入并重算</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="92" />
        <source>Supervisor override…</source>
        <translation>主管放行…</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="123" />
        <source>Block</source>
        <translation>拦截</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="123" />
        <source>Warning</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="125" />
        <source>Overridden</source>
        <translation>已放行</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="127" />
        <source>line %1 %2</source>
        <translation>第%1行 %2</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="130" />
        <source>and %1 more</source>
        <translation>等另 %1 行</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="132" />
        <source>the whole stay</source>
        <translation>整次住院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="136" />
        <source>Let through by %1: %2</source>
        <translation>主管 %1 已放行：%2</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="154" />
        <source>%1 blocked: %2 yuan is charged to the patient unless a supervisor overrides.</source>
        <translation>%1 项拦截：%2 元按个人自费，主管放行后由基金支付。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="157" />
        <source>Warnings: the fund may refuse %1 yuan later.</source>
        <translation>提示：基金事后可能拒付 %1 元。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="159" />
        <source>Every block has been overridden by a supervisor.</source>
        <translation>所有拦截项目均已由主管放行。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="190" />
        <source>Hide the list</source>
        <translation>收起明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="191" />
        <source>Show the list (%1)</source>
        <translation>展开明细（%1）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/violations_panel.py" line="195" />
        <source>Smart review:</source>
        <translation>智能审核：</translation>
    </message>
</context>
<context>
    <name>WaitingStays</name>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="34" />
        <source>Next patient</source>
        <translation>下一位</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="41" />
        <source>Waiting (HIS)</source>
        <translation>待结算（HIS）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="55" />
        <source>discharged %1</source>
        <translation>%1 出院</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="56" />
        <source>%1 yuan</source>
        <translation>%1 元</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="60" />
        <source>No patient waiting</source>
        <translation>没有待结算的患者</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/his_queue.py" line="64" />
        <source>%1 HIS file(s) refused</source>
        <translation>%1 份 HIS 交接文件被拒绝</translation>
    </message>
</context>
<context>
    <name>application</name>
    <message>
        <location filename="../../hospital_client/ui/application.py" line="55" />
        <source>Discharge settlement</source>
        <translation>出院结算</translation>
    </message>
</context>
<context>
    <name>errors</name>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="42" />
        <location filename="../../hospital_client/errors.py" line="71" />
        <source>The operation was not completed.</source>
        <translation>操作未完成。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="57" />
        <source>This person is not in the local roster and no year-to-date figures were given. Sync the roster or read the card, then try again.</source>
        <translation>本地参保人员名单中没有此人，且未提供年度累计信息。请联网同步名单或读卡后重试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="61" />
        <source>Your role does not allow this; ask a supervisor.</source>
        <translation>当前操作员无权执行此操作，请由主管操作。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="65" />
        <source>The local database has not been initialised; call IT.</source>
        <translation>本地数据库尚未初始化，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="69" />
        <source>The amount tendered is less than the amount due; nothing was settled.</source>
        <translation>实收金额少于应收金额，未结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="75" />
        <source>The discharge date {endtime} is after today ({today}); check the dates. Nothing was settled.</source>
        <translation>出院日期 {endtime} 晚于今天（{today}），请核对日期；本笔未结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="89" />
        <source>Another stay of this patient overlaps these dates; settle only after giving the reason why it is another stay.</source>
        <translation>该患者另有一次住院与本次住院日期重叠；须说明为何是另一次住院后方可结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/errors.py" line="97" />
        <source>This payment method is not allowed for this patient's insurance; choose another one. Nothing was settled.</source>
        <translation>该患者的医保政策不允许此支付方式，请选择其他支付方式。未办理结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/config.py" line="82" />
        <source>The site settings file cannot be used; call IT.</source>
        <translation>本机站点配置文件无法使用，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/credentials.py" line="35" />
        <source>This machine has no usable system keyring; call IT.</source>
        <translation>本机没有可用的系统钥匙串，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/protocol/errors.py" line="16" />
        <source>The central system refused ({infcode}): {err_msg}</source>
        <translation>医保中心拒绝（{infcode}）：{err_msg}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/protocol/errors.py" line="117" />
        <source>This stay was already settled at the central system (settlement {setl_id}, site {site}, {setl_time}); it is not paid a second time. This entry is recorded against that settlement: give back what the patient paid for it (see the adjustments).</source>
        <translation>该次住院已在医保中心结算（结算号 {setl_id}，站点 {site}，{setl_time}），不重复支付。本笔已关联到该结算：请退还患者为本笔所付款项（见待处理差额）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/protocol/errors.py" line="142" />
        <source>The e-voucher QR code has expired: ask the patient to refresh the code in the app and scan it again.</source>
        <translation>医保电子凭证二维码已过期：请患者在 App 中刷新二维码后重新扫码。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/protocol/errors.py" line="150" />
        <source>The insurance centre does not recognise this e-voucher QR code: scan it again, or use the ID card or social security card.</source>
        <translation>医保中心不认可该电子凭证二维码：请重新扫码，或改用身份证、社保卡。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/protocol/errors.py" line="158" />
        <source>This e-voucher or card belongs to another insured person than the patient named: check who is at the window.</source>
        <translation>该电子凭证或卡属于另一参保人，与所办理的患者不符：请核对窗口前的患者。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/rules/errors.py" line="21" />
        <location filename="../../hospital_client/rules/errors.py" line="64" />
        <source>No usable policy pack for this settlement. Ask IT to check the site's policy packs.</source>
        <translation>没有可用于本次结算的政策包，请联系信息科检查本站点的政策包。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/rules/errors.py" line="34" />
        <source>The medical-list catalogue cannot be used. Ask IT to check it.</source>
        <translation>医保目录文件无法使用，请联系信息科检查。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/rules/errors.py" line="52" />
        <source>The settlement data is not valid.</source>
        <translation>结算数据有误。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="63" />
        <source>The local database reported an error.</source>
        <translation>本地数据库出错。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="78" />
        <source>The local database file is missing. For a new installation ask IT to initialise it; otherwise restore it from a backup.</source>
        <translation>找不到本地数据库文件。新装机请由信息科执行初始化；已有数据请从备份恢复。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="90" />
        <source>The file is not this program's database; nothing was changed. Ask IT to check the database path or restore from a backup.</source>
        <translation>指定的文件不是本系统的数据库，未做任何改动。请联系信息科核对数据库路径或从备份恢复。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="102" />
        <source>The local database file is damaged; nothing more was written. Stop settling at this desk, keep the file and ask IT to restore the latest backup.</source>
        <translation>本地数据库文件已损坏，未再写入任何数据。请暂停本机结算，保留该文件，联系信息科从最近的备份恢复。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="115" />
        <source>The local database is read-only and nothing could be saved. Ask IT to check write permission on the file and its folder, or the disk.</source>
        <translation>本地数据库只读，无法保存，未做任何改动。请联系信息科检查文件及所在文件夹的写权限或磁盘状态。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="129" />
        <source>The local database is in use by another program; nothing was done. Close the other settlement window or database tool and try again.</source>
        <translation>本地数据库正被其他程序占用，本次操作未执行。请关闭其他结算窗口或数据库工具后重试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="143" />
        <source>The local database was written by a newer version of this program; nothing was changed. Ask IT to upgrade the program.</source>
        <translation>本地数据库由更新版本的程序创建，当前程序版本过旧，未做任何改动。请联系信息科升级程序。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="155" />
        <source>The local database is encrypted and this user's keyring does not hold its key (the keyring was cleared, another user is logged in, or the file came from another PC); nothing was changed. Ask IT to import the key from its key file (hospital-client key import).</source>
        <translation>本地数据库已加密，但当前系统用户的密钥库中没有它的密钥（密钥库被清空、换了系统用户或数据库文件是从其他电脑复制的），未做任何改动。请联系信息科用备份的密钥文件导入密钥（hospital-client key import）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="170" />
        <source>The local database is encrypted and the key in the keyring does not open it (another PC's key was imported, or the file is damaged); nothing was changed. Ask IT to import this desk's own key file, or to restore from a backup.</source>
        <translation>本地数据库已加密，密钥库中的密钥无法打开它（导入了其他电脑的密钥，或文件已损坏），未做任何改动。请联系信息科重新导入本机的密钥文件，或从备份恢复。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="185" />
        <source>The system keyring cannot be used, so the database key could not be read or kept; nothing was changed. Ask IT to check the system keyring (keyring or Credential Manager).</source>
        <translation>无法访问系统密钥库，读取或保存数据库密钥失败，未做任何改动。请联系信息科检查系统密钥库（钥匙环/凭据管理器）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="198" />
        <source>The disk is full. This action was not saved (it was undone as a whole); everything saved before is intact. Free disk space, then repeat the action.</source>
        <translation>磁盘已满，本次操作未保存（已整体撤销），之前的数据完好。请清理磁盘空间后重新操作。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="211" />
        <source>The local database could not be read or written; this action was not saved. Ask IT to check the disk.</source>
        <translation>读写本地数据库失败，本次操作未保存。请联系信息科检查磁盘。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="243" />
        <source>No such record.</source>
        <translation>未找到该记录。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="247" />
        <source>This settlement has already been reversed and cannot be reversed again.</source>
        <translation>该结算已冲正，不能重复冲正。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="251" />
        <source>A reversal cannot itself be reversed.</source>
        <translation>冲正记录不能再次冲正。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="257" />
        <source>This stay already has a settlement in force; to correct it, reverse that settlement first.</source>
        <translation>该就诊已有有效结算，如需更正请先冲正原结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="265" />
        <source>This stay is already settled: no. {local_id}, queue no. {queue_no}, {at}, clerk {operator}, total {total} yuan, patient paid {cash} yuan. Reprint its slip from History; to correct it, a supervisor reverses it first.</source>
        <translation>该次住院已结算：结算号 {local_id}，流水号 {queue_no}，{at}，经办人 {operator}，总费用 {total} 元，个人支付 {cash} 元。可在历史记录中补打结算单；如需更正，须由主管先冲正。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="273" />
        <source>The settlement journal can only be added to, never changed or deleted.</source>
        <translation>结算流水只能追加，不能修改或删除。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="277" />
        <source>A cached policy pack or catalogue failed its check; ask IT to download it again.</source>
        <translation>本地缓存的政策包或目录校验失败，请联系信息科重新下载。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/errors.py" line="226" />
        <source>Settlement record {local_id} was changed outside this program after it was saved, so this report was not made. Stop and call IT.</source>
        <translation>结算记录 {local_id} 在保存后被本程序以外的方式改动过，本报表未生成。请停止操作并联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/keys.py" line="90" />
        <source>The database key file cannot be used (damaged, altered, or wrong passphrase).</source>
        <translation>数据库密钥文件无法使用（已损坏、被改动或恢复口令错误）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/operators.py" line="36" />
        <source>Wrong operator name or password.</source>
        <translation>操作员或密码错误。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="46" />
        <source>The exchange with the central system was not completed.</source>
        <translation>与医保中心同步未完成。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="51" />
        <source>No central system is configured at this desk (the demo site, or setup was not run); settlements are offline only.</source>
        <translation>本机未配置医保中心地址（演示站点，或信息科尚未完成接入设置），只能离线结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="56" />
        <source>The site's access secret is not in this machine's keyring; ask IT to run hospital-client setup.</source>
        <translation>本机的系统钥匙串中没有本机构的接入密钥，请信息科运行 hospital-client setup。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="60" />
        <source>This machine has no usable system keyring, so the access secret cannot be read; call IT.</source>
        <translation>本机没有可用的系统钥匙串，无法读取接入密钥，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="64" />
        <source>The central system cannot be reached just now (network, or the centre is busy). Settlements are saved and are sent when the link is back.</source>
        <translation>暂时连不上医保中心（网络或中心繁忙），结算已保存，联网后自动上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="70" />
        <source>The central system refused the message.</source>
        <translation>医保中心拒绝了报文。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="78" />
        <source>The access secret is wrong; ask IT to run setup again.</source>
        <translation>接入密钥不正确，请信息科重新设置接入密钥。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="80" />
        <source>This machine's clock differs from the central system's by more than 5 minutes; set the clock right.</source>
        <translation>本机时钟与医保中心相差超过 5 分钟，请校准本机时间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="94" />
        <source>The central system's answer cannot be read; call IT.</source>
        <translation>医保中心的应答无法识别，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="98" />
        <source>Another sync is running; try again shortly.</source>
        <translation>另一个同步正在进行，请稍后再试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="104" />
        <source>Settlement in progress: this patient's settlement is being confirmed with the central system. Wait until it finishes; do not settle again.</source>
        <translation>结算进行中：该患者的结算正在与医保中心确认，请等待完成，不要重复结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="110" />
        <source>Reversal in progress: this patient's reversal is being confirmed with the central system. Wait until it finishes.</source>
        <translation>撤销进行中：该患者的结算撤销正在与医保中心确认，请等待完成。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="114" />
        <source>A policy pack or catalogue downloaded from the central system failed its check and was not used.</source>
        <translation>从医保中心下载的政策包或目录校验失败，未启用。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/sync/errors.py" line="121" />
        <source>This desk's audit log no longer matches what the central system received: records may have been removed or changed. Keep the database as it is and call IT.</source>
        <translation>本机审计日志与医保中心收到的不一致：可能有记录被删除或改动。请保持数据库原样并联系信息科。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="95" />
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="96" />
        <source>The file is neither UTF-8 nor GBK text.</source>
        <translation>文件既不是 UTF-8 也不是 GBK 编码的文本。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="97" />
        <source>The file is not valid JSON.</source>
        <translation>文件不是有效的 JSON。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="98" />
        <source>The CSV file's header row cannot be read.</source>
        <translation>CSV 文件的表头行无法读取。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="99" />
        <source>The file is not a readable Excel (XLSX) workbook.</source>
        <translation>文件不是可读取的 Excel（XLSX）工作簿。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="100" />
        <source>Unsupported file type; use JSON, CSV or XLSX.</source>
        <translation>不支持的文件类型，请使用 JSON、CSV 或 XLSX。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="101" />
        <source>Required columns are missing from the header row.</source>
        <translation>表头缺少必需的列。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="102" />
        <source>The file contains no fee lines.</source>
        <translation>文件中没有费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="103" />
        <source>The bill has too many lines.</source>
        <translation>费用明细行数过多。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="104" />
        <source>The file cannot be read.</source>
        <translation>无法读取文件。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="105" />
        <source>This is not an ordinary file (a device, folder or pipe); choose the bill file itself.</source>
        <translation>所选的不是普通文件（设备、文件夹或管道），请选择费用明细文件本身。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="106" />
        <source>The file is too large to be a bill.</source>
        <translation>文件过大，不是有效的费用明细文件。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="107" />
        <source>The Excel workbook is too large when unpacked.</source>
        <translation>该 Excel 工作簿解压后过大。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="108" />
        <source>The Excel workbook is packed in a way no spreadsheet program writes (suspicious compression); it was not opened.</source>
        <translation>该 Excel 工作簿的压缩方式异常（疑似恶意文件），未打开。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="109" />
        <source>The Excel workbook holds a cell or text that is too long.</source>
        <translation>该 Excel 工作簿中有过长的单元格或文本。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="110" />
        <source>The rows above the fee table (patient and admission) cannot be read.</source>
        <translation>费用明细表上方的患者和入院信息行无法读取。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/bill_import.py" line="125" />
        <source>The bill file cannot be used.</source>
        <translation>无法使用此费用明细文件。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/input_files.py" line="50" />
        <source>The file cannot be used (missing, not an ordinary file, or too large).</source>
        <translation>文件无法使用（不存在、不是普通文件或文件过大）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_handoff.py" line="56" />
        <source>The HIS hand-off lacks a required item (patient or admission).</source>
        <translation>HIS 交接数据缺少必填项（患者或入院信息）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_handoff.py" line="57" />
        <source>An item of the HIS hand-off is not valid (a date, a number or a diagnosis code).</source>
        <translation>HIS 交接数据中有一项无效（日期、编号或诊断编码）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_handoff.py" line="58" />
        <source>The patient of the HIS hand-off is not in the local roster; sync the roster first.</source>
        <translation>HIS 交接数据中的患者不在本地参保人员名单中，请先同步名单。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_handoff.py" line="67" />
        <source>The HIS hand-off cannot be used.</source>
        <translation>HIS 交接数据无法使用。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_handoff.py" line="79" />
        <source>This HIS bill belongs to another patient than the one identified; it was refused.</source>
        <translation>该 HIS 账单属于另一位患者，与已识别的患者不符，已拒绝。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/his_stays.py" line="33" />
        <source>The hospital level is not set in the site file; ask IT to set it.</source>
        <translation>站点配置文件中未设置医院等级，请联系信息科设置。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/cash.py" line="49" />
        <source>This clerk's day is already closed; a supervisor must do this now.</source>
        <translation>该收款员当日已日结，此操作须由主管办理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/rules/review/library.py" line="46" />
        <source>The review-rule library cannot be used. Ask IT to check it.</source>
        <translation>审核规则库无法使用，请联系信息科检查。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/card_readers.py" line="71" />
        <source>The card reader did not give a card; read it again, or type the ID number.</source>
        <translation>读卡器未读到卡：请重新读卡，或输入身份证号。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/card_readers.py" line="75" />
        <source>No card reader is ready on this desk (none configured, or its driver failed to load); scan the e-voucher or type the ID number. IT: see the log.</source>
        <translation>本机没有可用的读卡器（未配置或驱动加载失败）：请扫电子凭证或输入身份证号。信息科：请查看日志。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/card_readers.py" line="79" />
        <source>No card on the reader: put the social security card or ID card on the reader and press F6 again.</source>
        <translation>读卡器上没有卡：请将社保卡或身份证放到读卡器上，再按 F6。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/clearing.py" line="50" />
        <source>The month does not reconcile with the central system ({count} entries differ); no clearing was applied for. See the list of differing settlements.</source>
        <translation>本月与医保中心对账不平（{count} 笔不一致），未申请清算。请查看不一致的结算清单。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/clearing.py" line="71" />
        <source>The central system refused the clearing application: {reason}</source>
        <translation>医保中心拒绝了清算申请：{reason}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/clearing.py" line="83" />
        <source>The central system refused to withdraw the clearing application: {reason}</source>
        <translation>医保中心拒绝撤销清算申请：{reason}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/identification.py" line="53" />
        <source>The e-voucher can only be checked by the insurance centre, which cannot be reached now: ask for the ID card or social security card (checked against the roster on this desk).</source>
        <translation>医保电子凭证须由医保中心核验，现在连不上医保中心：请患者出示身份证或社保卡（按本机名册核对）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/identification.py" line="57" />
        <source>No insured person with this card or ID number in the roster on this desk: check the number, or sync the roster.</source>
        <translation>本机名册中没有该卡号或身份证号的参保人员：请核对号码，或同步名册。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/identification.py" line="63" />
        <source>The insurance does not pay for this patient on these days: {state} from {begndate}{until}. {reason}. Nothing was computed or settled.</source>
        <translation>该患者在本次就诊日期内不能享受医保待遇：{state}（自 {begndate}{until}）。{reason}。未计算，未结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/review_context.py" line="40" />
        <source>The override was not accepted: a supervisor must give a reason for a blocked rule of this bill.</source>
        <translation>放行未被接受：须由主管对本单被拦截的规则填写理由。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/settlement_list.py" line="65" />
        <source>This entry has no settlement list: only a settlement confirmed by the central system and not reversed has one.</source>
        <translation>该笔没有结算清单：只有经医保中心确认且未冲正的结算才有结算清单。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/settlement_list.py" line="71" />
        <source>The settlement list is incomplete ({count} problems, the first: {first}); complete the medical record and upload again.</source>
        <translation>结算清单不完整（{count} 处问题，第一处：{first}）；请补全病案首页后重新上传。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/settlement_list.py" line="86" />
        <source>The central system refused the settlement list: {reason}</source>
        <translation>医保中心拒绝了该结算清单：{reason}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/outpatient.py" line="71" />
        <source>The outpatient visit is incomplete or wrong; check the type, the disease and the fee lines.</source>
        <translation>门诊就诊信息不完整或有误，请检查医疗类别、病种和费用明细。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/stay_transactions.py" line="50" />
        <source>The central system refused the {transaction} ({infcode}): {err_msg}</source>
        <translation>医保中心拒绝了{transaction}（{infcode}）：{err_msg}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/stay_transactions.py" line="65" />
        <source>The {transaction} needs the central system, which cannot be reached just now; nothing was changed. Try again when the link is back.</source>
        <translation>{transaction}须联网办理，暂时连不上医保中心，未作任何更改；请在网络恢复后再办理。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/store/mid_stay.py" line="31" />
        <source>This settlement is one period of a stay settled in periods (mid-stay settlement) and a later period is in force: reverse the later period first.</source>
        <translation>此结算是中途结算住院的其中一期，其后一期结算仍有效：须先撤销后一期结算。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/outpatient_filings.py" line="45" />
        <source>The chronic disease filing is incomplete or wrong; check the disease code, the dates and the filing number.</source>
        <translation>门诊慢特病备案信息不完整或有误，请核对病种编码、日期和备案流水号。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/app/outpatient_filings.py" line="54" />
        <source>The insurance centre refused the {transaction}: {err_msg}</source>
        <translation>医保中心拒绝了{transaction}：{err_msg}</translation>
    </message>
    <message>
        <location filename="../../hospital_client/central/store_unavailable.py" line="24" />
        <source>The central database cannot be reached at the moment; try again later.</source>
        <translation>中心数据库暂时无法连接，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/central/claim_cache.py" line="71" />
        <source>The queued settlements could not be stored together; they are adjudicated again one by one.</source>
        <translation>排队结算未能一并保存，正逐笔重新审核。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/central/claim_cache.py" line="79" />
        <source>The queued settlements are adjudicated again while holding the database.</source>
        <translation>排队结算期间数据有变动，正锁定数据库后重新审核。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/central/partitions.py" line="34" />
        <source>The worker's share of the queue must be written K/N, for example 0/4.</source>
        <translation>工作进程分担的队列份额应写成 K/N，例如 0/4。</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="46" />
        <source>serial no.</source>
        <translation>明细流水号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="46" />
        <source>catalogue code</source>
        <translation>医保目录编码</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="46" />
        <source>item name</source>
        <translation>项目名称</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="47" />
        <source>unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="47" />
        <source>quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="47" />
        <source>amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="48" />
        <source>charge class</source>
        <translation>收费项目等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="48" />
        <source>self-pay share</source>
        <translation>自付比例</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="48" />
        <source>price cap</source>
        <translation>限价</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="49" />
        <source>admission date</source>
        <translation>入院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="49" />
        <source>discharge date</source>
        <translation>出院日期</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="50" />
        <source>hospital level</source>
        <translation>医院等级</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="50" />
        <source>admission no.</source>
        <translation>住院号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="51" />
        <source>diagnosis</source>
        <translation>诊断</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="51" />
        <source>kind of treatment</source>
        <translation>医疗类别</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="52" />
        <source>insurance type</source>
        <translation>险种</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="52" />
        <source>urban or rural residence</source>
        <translation>城乡居住类别</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="53" />
        <source>person no.</source>
        <translation>人员编号</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="53" />
        <source>deductible paid</source>
        <translation>已付起付线</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="54" />
        <source>the stay</source>
        <translation>住院信息</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="54" />
        <source>the patient</source>
        <translation>患者信息</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="55" />
        <source>the bill</source>
        <translation>费用明细</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="61" />
        <source>a field</source>
        <translation>某一项</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="66" />
        <source>is missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="67" />
        <source>is not a number</source>
        <translation>不是有效数字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="68" />
        <source>must be written as a decimal number</source>
        <translation>必须写成十进制数字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="69" />
        <source>has too many decimal places</source>
        <translation>小数位数过多</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="70" />
        <source>is too large</source>
        <translation>数值过大</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="71" />
        <source>must not be negative</source>
        <translation>不能为负数</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="72" />
        <source>must be between 0 and 1</source>
        <translation>必须在 0 到 1 之间</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="73" />
        <source>must be text</source>
        <translation>必须是文字</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="74" />
        <source>is too long</source>
        <translation>过长</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="75" />
        <source>does not equal unit price × quantity</source>
        <translation>与单价×数量不符</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="76" />
        <source>must be 01 (A), 02 (B) or 03 (C)</source>
        <translation>必须是 01（甲类）、02（乙类）或 03（丙类）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="77" />
        <source>is used twice in this bill</source>
        <translation>在本单中重复</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="78" />
        <source>is not a known column</source>
        <translation>不是可识别的列</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="79" />
        <source>is not a fee line</source>
        <translation>不是费用明细行</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="80" />
        <source>cannot be read as CSV</source>
        <translation>无法按 CSV 读取</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="82" />
        <source>is not valid</source>
        <translation>无效</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="88" />
        <source>The discharge date is before the admission date.</source>
        <translation>出院日期早于入院日期。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="90" />
        <source>The discharge date is outside the validity of the policy pack.</source>
        <translation>出院日期不在政策包有效期内。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="92" />
        <source>The policy pack does not cover this patient's insurance type or this kind of treatment.</source>
        <translation>政策包不适用于该患者的险种或该医疗类别。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="94" />
        <source>The patient's urban or rural residence is needed by this policy pack.</source>
        <translation>该政策包需要患者的城乡居住类别。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="110" />
        <source>A file or device could not be used:</source>
        <translation>无法使用文件或设备：</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="111" />
        <source>Unexpected error; nothing was saved. Please tell IT (the details are in the log).</source>
        <translation>发生意外错误，未保存任何数据。请告知信息科（详情见日志）。</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="159" />
        <source>Settlement upload</source>
        <translation>结算上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="159" />
        <source>Reversal upload</source>
        <translation>冲正上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="160" />
        <source>Batch upload</source>
        <translation>批量上传</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="160" />
        <source>Discharge (2402)</source>
        <translation>出院办理（2402）</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/messages.py" line="161" />
        <source>Message</source>
        <translation>报文</translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <location filename="../../hospital_client/ui/widgets.py" line="49" />
        <source>yyyy-MM-dd</source>
        <translation>yyyy年MM月dd日</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/widgets.py" line="54" />
        <source>yyyy-MM</source>
        <translation>yyyy年MM月</translation>
    </message>
    <message>
        <location filename="../../hospital_client/ui/widgets.py" line="105" />
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
</context>
</TS>