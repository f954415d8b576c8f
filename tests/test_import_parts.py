"""The importer's parts on their own: keyword table, classifier, regions, status, dedup, header, sheets, fixture."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from vvalley.chain.load import load_chain
from vvalley.importer import ImportProblem
from vvalley.importer.dedup import Index, normalise
from vvalley.importer.header import find_header, parse_overrides
from vvalley.importer.keywords import Classifier, read_rules
from vvalley.importer.regions import RegionMatcher
from vvalley.importer.sheets import read_sheet
from vvalley.importer.status import founding_year, skip_reason

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURE = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture(scope="module")
def chain():
    return load_chain(DATA)


@pytest.fixture(scope="module")
def classifier(chain):
    return Classifier(read_rules(DATA, chain.leaf_segments))


def test_every_leaf_segment_has_one_keyword_row_and_every_row_names_a_leaf(chain):
    with open(DATA / "segment_keywords.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    segments = [r["segment"] for r in rows]
    assert len(segments) == len(set(segments))
    assert sorted(segments) == sorted(chain.leaf_segments)
    assert len(segments) == 65
    for row in rows:
        include = row["include"].split("|")
        assert all(t.strip() == t and t for t in include), row["segment"]
        assert any(any(ord(ch) >= 0x2E80 for ch in t) for t in include), f"{row['segment']}: no Chinese term"


def test_a_keyword_row_for_a_renamed_or_unknown_segment_is_reported(chain, tmp_path):
    (tmp_path / "segment_keywords.csv").write_text("segment,include,exclude,weight\nseg.chips.cis,图像传感器,,1\n",
                                                   encoding="utf-8")
    with pytest.raises(ImportProblem) as err:
        read_rules(tmp_path, chain.leaf_segments)
    assert err.value.en.endswith(":2: 'seg.chips.cis' is not a leaf segment of the chain (1 such row(s))")


@pytest.mark.parametrize("scope, segments", [
    # the longest term wins: a machine-vision camera is not 机器视觉 (systems)
    ("工业相机研发、制造；机器视觉相机研发", ["seg.devices.mv_cameras"]),
    # 安防 in a door-lock maker's clause does not make it a security-camera maker
    ("锁具制造、安防监控产品及智能门锁研发；五金产品制造", []),
    ("数字视频监控系统制造；安防设备制造；锁具销售", ["seg.devices.security_cameras"]),
    # words, not substrings: 封测 inside 密封测试, 视频云 inside 视频云台
    ("密封测试设备制造；橡胶制品制造", []),
    ("视频云台、三脚架制造；摄影器材销售", []),
    ("集成电路封测；芯片封装服务", ["seg.chips.packaging_test"]),
    # selling a product is not making it
    ("安防设备销售；网络设备销售；日用百货销售", []),
    # English terms match whole words, in any case
    ("LiDAR and ToF sensor design", ["seg.sensors.lidar_tof"]),
    ("ADASTRA trading", []),
])
def test_classifier(classifier, scope, segments):
    assert classifier.classify({"scope": scope}).segments == segments


def test_every_match_is_kept_as_the_phrase_written_and_close_scores_are_ambiguous(classifier):
    result = classifier.classify({"scope": "CMOS图像传感器研发；ISP芯片研发", "name": "示例视觉"})
    assert [(m.segment, m.phrase) for m in result.matches] == [("seg.chips.video_soc", "ISP芯片"),
                                                               ("seg.sensors.cis", "CMOS图像传感器")]
    assert result.segments == ["seg.chips.video_soc", "seg.sensors.cis"] and result.ambiguous


@pytest.mark.parametrize("address, region", [
    ("浙江省杭州市萧山区宁围街道示例路1号", "reg.cn.zj.hangzhou.xiaoshan"),
    ("杭州萧山", "reg.cn.zj.hangzhou.xiaoshan"),
    ("浙江省杭州市萧山区义桥镇示例村", "reg.cn.zj.hangzhou.xiaoshan.yiqiao"),
    ("浙江省杭州市萧山经济技术开发区示例路2号", "reg.cn.zj.hangzhou.xiaoshan.etdz"),
    ("浙江省杭州市上城区南山路示例弄3号", "reg.cn.zj.hangzhou"),  # 南山路 is no 南山区 of Shenzhen
    ("广东省深圳市南山区示例大道", "reg.cn.gd.shenzhen.nanshan"),
    ("上海市浦东新区张江示例路", "reg.cn.sh.pudong"),
    ("江苏省苏州市吴中区示例路", "reg.cn.js"),
    ("新疆维吾尔自治区乌鲁木齐市示例路", None),
    ("", None),
])
def test_the_smallest_region_whose_chinese_name_the_address_holds(chain, address, region):
    assert RegionMatcher(chain).match(address)[0] == region


def test_status_and_founding_year():
    assert skip_reason("注销") == ("登记状态为注销（注销）", "registration status cancelled (注销): 注销")
    assert skip_reason("吊销，未注销")[0] == "登记状态为吊销（吊销，未注销）"
    assert skip_reason("存续（在营、开业、在册）") is None and skip_reason("") is None
    assert [founding_year(v) for v in ("2015-03-12", "2015/3/12", "2015年3月12日", "42370", "", "不详")] == [
        2015, 2015, 2015, 2016, None, None]


def test_dedup_by_credit_code_then_normalised_name(chain):
    index = Index.of_chain(chain)
    assert normalise("思看科技（杭州）股份有限公司") == normalise("思看科技(杭州)股份有限公司") == "思看科技"
    assert normalise("杭州ＡＢＣ视觉 有限公司") == "abc视觉"  # full-width letters and spaces
    assert index.find("杭州海康威视数字技术股份有限公司").id == "ent.hikvision"
    assert index.find("思看科技（杭州）股份有限公司").id == "ent.scantech"
    assert index.find("浙江零跑科技股份有限公司").id == "ent.leapmotor"  # the bracketed legal name
    assert index.find("杭州示例明视光学有限公司") is None
    index.add("ent.x", ["杭州示例明视光学有限公司"], "0A3301090000000001", fuzzy=False)
    assert index.find("完全不同的名字", "0A3301090000000001").by == "credit_code"
    assert index.find("浙江示例明视光学股份有限公司").id == "ent.x"
    # both carry a code and the codes differ: two firms, not one
    assert index.find("浙江示例明视光学股份有限公司", "0A3301090000000002") is None


def test_header_under_title_rows_synonyms_and_overrides():
    rows = [["示例名单", "示例名单"], ["", ""], ["Company Name", "Business Scope", "Registered Address"], ["a", "b", "c"]]
    header = find_header(rows, "x.csv")
    assert header.row == 2 and header.columns == {"name": 0, "scope": 1, "address": 2}
    header = find_header([["单位", "地点"]], "x.csv", parse_overrides(["name=单位", "address=地点"]))
    assert header.columns == {"name": 0, "address": 1}
    with pytest.raises(ImportProblem) as err:
        parse_overrides(["name"])
    assert err.value.en == "--column 'name' must be FIELD=HEADER, e.g. --column name=单位名称"


def test_merged_cells_of_the_workbook_are_filled_and_the_csv_has_the_same_rows():
    xlsx, gbk = read_sheet(FIXTURE / "firms.xlsx"), read_sheet(FIXTURE / "firms_gbk.csv")
    assert xlsx.rows[0][0] == xlsx.rows[0][5] != ""  # the title, merged across the columns
    province = xlsx.rows[2].index("所属省份")
    assert all(row[province] for row in xlsx.rows[3:])  # runs of one province merged down the column
    assert [r[province] for r in xlsx.rows[3:]] == [r[province] for r in gbk.rows[3:]]
    assert len(xlsx.rows) == len(gbk.rows) >= 203


def _generator():
    spec = importlib.util.spec_from_file_location("make_import_fixture", FIXTURE / "make_import_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_fixture_is_what_its_script_writes_and_clearly_synthetic(tmp_path):
    fx = _generator()
    data, truth = fx.rows()
    fx.write_xlsx(data, tmp_path / "firms.xlsx")
    fx.write_csv(data, tmp_path / "firms_gbk.csv")
    fx.write_truth(truth, tmp_path / "truth.csv")
    for name in ("firms.xlsx", "firms_gbk.csv", "truth.csv"):
        assert (tmp_path / name).read_bytes() == (FIXTURE / name).read_bytes(), name
    assert len(data) >= 200
    bundled = {name for name, _id, _seg in fx.BUNDLED}
    assert all("示例" in r["企业名称"] or r["企业名称"] in bundled for r in data)
    assert all(r["备注"] == "示例数据（虚构）" and r["统一社会信用代码"].startswith("0") for r in data)
    assert sum(1 for t in truth if t["match"]) == len(bundled)
    assert sum(1 for t in truth if t["skip"] in ("注销", "吊销，未注销")) >= 10
    assert sum(1 for t in truth if not t["skip"] and not t["segments"]) >= 15  # firms outside the chain


def test_truth_names_current_ids(chain):
    with open(FIXTURE / "truth.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    leaves = set(chain.leaf_segments)
    for row in rows:
        assert set(filter(None, row["segments"].split("|"))) <= leaves
        assert row["region"] == "" or chain.kind_of(row["region"]) == "region"
        assert row["match"] == "" or chain.kind_of(row["match"]) == "enterprise"


def test_segment_precision_and_region_accuracy_on_the_fixture_meet_the_targets(chain):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_import import quality

    q = quality(FIXTURE / "firms.xlsx", chain, DATA)
    assert q["precision"] >= 0.9 and q["region"] >= 0.95
    assert q["recall"] >= 0.8 and q["match"] == 1.0 and q["skip"] == 1.0
