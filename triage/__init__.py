"""The domain, and only the domain: one module or package per stage of the five-shared mechanism.

``normalize`` (a row into a canonical lead), ``link`` (隐患共排: leads into cases),
``risk`` (风险共评), ``routing`` (矛盾共调), ``followup`` (稳控共防), ``masking``
(信息共享) and ``domain`` (the fixed terms). Plain data in and out: no store,
no Prefect, no files, no network (``tests/test_architecture.py``).
"""
