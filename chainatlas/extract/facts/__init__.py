"""Fact extraction: relations between the entities and quantities of one document.

One module per fact family, each registering one pipeline component that runs after
quantities, parks, organizations and regions:

* ``dates``    relative and partial dates resolved against the publication date;
* ``metrics``  an industry figure of a region, park or enterprise (产值 473.26亿元, 2021);
* ``projects`` named investment projects and aggregate signings (34个项目签约, 105.16亿元);
* ``roles``    enterprise designations (链主企业, 龙头企业, 百强);
* ``products`` named products with their maker, claim and approval;
* ``events``   forums, expos, signing ceremonies, openings.

Every fact carries its evidence as ``start``/``end``: whole sentences covering each number
and name it was read from (``quantity``, ``name_span``, ``*_mention``), and refers to
quantities and entities by their printed text and offsets. English articles get the same
facts as Chinese ones, with English patterns beside the Chinese ones in the same data files. Word lists live in
``chainatlas/extract/data/facts_*``; this package holds only the grammar.
"""
