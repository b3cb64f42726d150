"""The fund administrator's statements (the commercial insurer or the 医保中心 running the central
system), `hospital-client central fund ...`, or `hospital-central fund ...` on a server with no desk
(docs/operations.md):

    common.py     periods, fund and insurance-type names, which insurer covers what when, input errors
    document.py   a statement as titled tables: JSON, Excel (openpyxl) and the HTML its PDF prints
    output.py     writing a statement's files: all or none, 0600, never over a file unless --force
    insurers.py   insurers and the (region, insurance type) pairs each covers, for a term (独立核算)
    monthly.py    徐州: a hospital's monthly statement of the 大病保险 it advanced, true-ups included
    income.py     money into the funds: entered, or imported from CSV/XLSX
    quarterly.py  安徽: the quarterly publication of fund income and expenditure
    premium.py    惠州: the contract's premium (recorded) and its settlement (95% / 4% / 105%)
    commands.py   the argparse wiring (central/cli.py adds it under `central fund`)

Everything is read through the ``CentralStore`` Protocol, summed in the database (GROUP BY,
central/fund_queries.py): a province's year is never read row by row; only a hospital's monthly
statement reads its lines, narrow. Figures are Decimal, to the fen.
Events are booked by the central system's own time: a settlement in the month it was adjudicated
(made final), a reversal in the month it was processed, a true-up in the month it was applied, so
a month that has ended never changes.
"""
