"""The packaged chain taxonomy and the validation of user taxonomy files."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from chainatlas.analyse.taxonomy import DEFAULT_PATH, STAGES, TaxonomyError, load_taxonomy

REQUIRED = {
    "upstream": {"tcm_herbs", "api_intermediates", "excipients_packaging", "pharma_equipment", "cro_cdmo"},
    "midstream": {
        "chemical_drugs",
        "biologics",
        "vaccines",
        "antibodies",
        "cell_gene_therapy",
        "tcm_products",
        "medical_devices",
        "diagnostics",
    },
    "downstream": {
        "distribution_logistics",
        "medical_services",
        "elderly_care",
        "health_food",
        "health_tourism",
        "digital_health",
    },
}

HEALTH_CATEGORIES = {
    "01": "医疗卫生服务",
    "02": "健康事务、健康环境管理与科研技术服务",
    "03": "健康人才教育与健康知识普及",
    "04": "健康促进服务",
    "05": "健康保障与金融服务",
    "06": "智慧健康技术服务",
    "07": "药品及其他健康产品流通服务",
    "08": "其他与健康相关服务",
    "09": "医药制造",
    "10": "医疗仪器设备及器械制造",
    "11": "健康用品、器材与智能设备制造",
    "12": "医疗卫生机构设施建设",
    "13": "中药材种植、养殖和采集",
}


@pytest.fixture(scope="module")
def tx():
    return load_taxonomy()


def test_default_file_loads_with_version_and_sources(tx):
    assert tx.version
    assert tx.source == DEFAULT_PATH
    assert tx.sources and any("健康产业统计分类" in s for s in tx.sources)
    assert load_taxonomy() is tx  # the packaged file is loaded once per process


def test_required_segments_sit_at_their_stage(tx):
    stages = tx.by_stage()
    assert list(stages) == list(STAGES)
    for stage, ids in REQUIRED.items():
        assert ids <= {s.id for s in stages[stage]}, stage


def test_health_categories_are_the_13_of_the_2019_classification(tx):
    assert {code: label.zh for code, label in tx.health_categories.items()} == HEALTH_CATEGORIES


def test_every_segment_is_labelled_and_coded(tx):
    for s in tx:
        assert s.zh and s.en
        assert s.health_category is None or s.health_category in tx.health_categories
        assert s.gb4754, s.id
        for code in s.gb4754:
            assert code in tx.gb4754, (s.id, code)
        assert s.keywords, s.id


def test_gb4754_mapping_of_the_medicine_division(tx):
    assert tx.segment("api_intermediates").gb4754 == ("2710",)
    assert tx.segment("chemical_drugs").gb4754 == ("2720",)
    assert set(tx.segment("tcm_products").gb4754) == {"2730", "2740"}
    assert "2762" in tx.segment("vaccines").gb4754
    assert tx.segment("excipients_packaging").gb4754 == ("2780",)
    assert "3544" in tx.segment("pharma_equipment").gb4754
    assert {"3581", "3589"} <= set(tx.segment("medical_devices").gb4754)
    assert tx.gb4754["2762"].zh == "基因工程药物和疫苗制造"
    assert tx.segment("tcm_herbs").health_category == "13"
    assert tx.health_category("medical_services").zh == "医疗卫生服务"


def test_tree_navigation(tx):
    assert [s.id for s in tx.path("vaccines")] == ["pharmaceuticals", "biologics", "vaccines"]
    assert [s.id for s in tx.ancestors("vaccines")] == ["pharmaceuticals", "biologics"]
    assert {s.id for s in tx.children("biologics")} >= {"vaccines", "antibodies", "cell_gene_therapy"}
    assert "vaccines" in {s.id for s in tx.descendants("pharmaceuticals")}
    leaves = {s.id for s in tx.leaves()}
    assert "vaccines" in leaves and "biologics" not in leaves
    assert "medical_devices" in {s.id for s in tx.children()}  # top level
    assert "vaccines" in tx and "vaccine" not in tx
    with pytest.raises(KeyError, match="unknown segment id 'vaccine'"):
        tx.segment("vaccine")


def test_children_share_their_parent_stage(tx):
    for s in tx:
        if s.parent:
            assert tx.segment(s.parent).stage == s.stage


def test_known_names_point_at_segments(tx):
    assert tx.known_names
    by_form = {f: k.segments for k in tx.known_names for f in k.forms}
    assert by_form["迈瑞医疗"] == ("medical_devices",)
    for k in tx.known_names:
        assert all(sid in tx for sid in k.segments)


def test_taxonomy_pickles(tx):
    again = pickle.loads(pickle.dumps(tx))
    assert again.ids() == tx.ids()
    assert [s.id for s in again.path("antibodies")] == [s.id for s in tx.path("antibodies")]


# ---------------------------------------------------------------------- user files

GOOD = """\
version: "1"
health_categories:
  "09": {zh: 医药制造, en: Pharmaceutical manufacturing}
segments:
  - id: drugs
    zh: 药品
    en: Drugs
    stage: midstream
    health_category: "09"
    keywords: {zh: [药业], en: [pharma]}
  - id: vaccines
    zh: 疫苗
    en: Vaccines
    stage: midstream
    parent: drugs
    keywords: [疫苗]
"""


def _write(tmp_path: Path, text: str, name: str = "my.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_file_loads(tmp_path):
    tx = load_taxonomy(_write(tmp_path, GOOD))
    assert tx.ids() == ["drugs", "vaccines"]
    assert tx.segment("vaccines").keywords == ("疫苗",)
    assert tx.segment("drugs").keywords == ("药业", "pharma")
    assert [s.id for s in tx.path("vaccines")] == ["drugs", "vaccines"]
    assert load_taxonomy(str(tmp_path / "my.yaml")).ids() == tx.ids()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("  - id: vaccines\n", "  - zh_only: x\n    id:\n", r"segments\[1\]: id: missing"),
        ("parent: drugs", "parent: drug", r"segments\[1\] \(id 'vaccines'\): parent: unknown segment 'drug'"),
        ("  - id: vaccines\n", "  - id: drugs\n", r"segments\[1\] \(id 'drugs'\): id: duplicate of segments\[0\]"),
        ("stage: midstream\n    parent", "stage: middle\n    parent", r"\(id 'vaccines'\): stage: 'middle' is not one of"),
        ('health_category: "09"', 'health_category: "14"', r"\(id 'drugs'\): health_category: unknown category '14'"),
        ("    keywords: [疫苗]", "    keyword: [疫苗]", r"\(id 'vaccines'\): unknown field 'keyword'"),
        ("    keywords: [疫苗]", "    keywords: [疫苗, 3]", r"\(id 'vaccines'\): keywords\[1\]: expected a non-empty word"),
        ("  - id: vaccines\n", "  - id: Vaccines\n", r"segments\[1\]: id: 'Vaccines' is not a lower-case identifier"),
        ("    en: Vaccines\n", "", r"\(id 'vaccines'\): en: missing"),
        ("stage: midstream\n    parent", "stage: upstream\n    parent", r"\(id 'vaccines'\): stage: 'upstream' differs from parent 'drugs'"),
        ('version: "1"\n', "", r"my\.yaml: version: missing"),
        ("    stage: midstream\n    health", "    stage: midstream\n    parent: vaccines\n    health", r"parent: cycle"),
    ],
)
def test_bad_user_file_gives_one_line_naming_file_and_field(tmp_path, old, new, expected):
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(TaxonomyError, match=expected) as err:
        load_taxonomy(path)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith(str(path))


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(TaxonomyError, match=r"nope\.yaml: file not found"):
        load_taxonomy(tmp_path / "nope.yaml")
    path = _write(tmp_path, "version: 1\nsegments: [\n  - id: x\n", "broken.yaml")
    with pytest.raises(TaxonomyError, match=r"broken\.yaml: not valid YAML at line \d+") as err:
        load_taxonomy(path)
    assert "\n" not in str(err.value)
    with pytest.raises(TaxonomyError, match=r"list\.yaml: expected a mapping at the top"):
        load_taxonomy(_write(tmp_path, "- a\n- b\n", "list.yaml"))
    with pytest.raises(TaxonomyError, match=r"empty\.yaml: segments: missing or empty"):
        load_taxonomy(_write(tmp_path, "version: 1\nsegments: []\n", "empty.yaml"))


def test_bad_yields_to_and_gb_code(tmp_path):
    text = GOOD.replace("    keywords: {zh: [药业], en: [pharma]}", "    yields_to: [nothing]\n    keywords: [药业]")
    with pytest.raises(TaxonomyError, match=r"\(id 'drugs'\): yields_to: unknown segment 'nothing'"):
        load_taxonomy(_write(tmp_path, text))
    text = GOOD.replace('version: "1"\n', 'version: "1"\ngb4754:\n  "2762": {zh: 疫苗制造, en: Vaccines}\n')
    text = text.replace("    keywords: [疫苗]", '    gb4754: ["2799"]\n    keywords: [疫苗]')
    with pytest.raises(TaxonomyError, match=r"\(id 'vaccines'\): gb4754\[0\]: unknown GB/T 4754 code '2799'"):
        load_taxonomy(_write(tmp_path, text))


def test_known_names_file_is_validated(tmp_path):
    (tmp_path / "names.tsv").write_text("# comment\n迈瑞医疗|迈瑞\tdevices\tnote\n", encoding="utf-8")
    text = 'known_names_file: names.tsv\n' + GOOD
    with pytest.raises(TaxonomyError, match=r"names\.tsv:2: segments: unknown segment 'devices'"):
        load_taxonomy(_write(tmp_path, text))
    (tmp_path / "names.tsv").write_text("迈瑞医疗|迈瑞\tdrugs\n", encoding="utf-8")
    tx = load_taxonomy(_write(tmp_path, text))
    assert tx.known_names[0].forms == ("迈瑞医疗", "迈瑞")
