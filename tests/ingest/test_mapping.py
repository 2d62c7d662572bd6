"""Mapping files: presets load and round-trip; a broken mapping reports every problem by path."""

from pathlib import Path

import pytest

from leadboard.ingest.files import assign_files
from leadboard.ingest.mapping import MappingError
from leadboard.ingest.mapping_file import dump_mapping, load_mapping
from leadboard.ingest.presets import load_preset, preset_names, preset_text


def problems(text: str) -> list[str]:
    with pytest.raises(MappingError) as caught:
        load_mapping(text)
    return caught.value.problems


def test_the_presets() -> None:
    assert preset_names() == [
        "maven-crm-sales-opportunities",
        "olist-marketing-funnel",
        "x-education-leads",
    ]
    olist = load_preset("olist-marketing-funnel")
    assert (olist.origin_name, olist.currency) == ("olist", "BRL")
    assert olist.leads is not None
    assert olist.sales is not None
    maven = load_preset("maven-crm-sales-opportunities")
    assert (maven.currency, maven.leads) == ("USD", None)
    xed = load_preset("x-education-leads")
    assert xed.sales is None
    # The channel map of X Education is documented in the preset file itself.
    assert "The channel map for X Education" in preset_text("x-education-leads")


@pytest.mark.parametrize("name", ["olist-marketing-funnel", "x-education-leads"])
def test_yaml_round_trip(name: str) -> None:
    mapping = load_preset(name)
    assert load_mapping(dump_mapping(mapping)) == mapping


def test_every_problem_with_its_path() -> None:
    found = problems(
        """
name: crm
files:
  a: {key: 3}
leads:
  external_id: {column: id, value: x}
  channel: {column: src, map: {a: Direct, b: yes}}
  status_at: {now: true, unmapped: keep}
  owner: {name: x}
  colour: blue
sales:
  status: {value: sold}
"""
    )
    assert found == [
        "files.a.key: Input should be a valid string",
        "leads.external_id: needs exactly one of column, value, template, first, now "
        "(got column, value)",
        "leads.channel.map: write yes/no/true/false in quotes: cells are text",
        "leads.owner: needs external_id or email",
        "leads.status_at: unmapped: only goes with map",
        "leads.colour: Extra inputs are not permitted",
        "sales.external_id: Field required",
        "sales.sale_date: Field required",
    ]


def test_checks_across_the_mapping() -> None:
    found = problems(
        """
name: Bad Name
currency: eur
files:
  a: {match: "*.csv"}
  b: {key: id}
leads:
  join: {c: x}
  external_id: id
  created_via: {value: fax}
  channel: {column: src, map: {a: Organic}}
  email: {template: "{b.email}"}
  status: {now: true}
sales:
  rows: a
  external_id: id
  sale_date: d
  status: {column: s, map: {W: won}}
  probability: {value: "101"}
  amount: {column: x, format: "1x"}
  title: {template: "no placeholders"}
"""
    )
    assert found == [
        "name: lower-case letters, digits and dashes, e.g. my-crm-export",
        "currency: a 3-letter ISO code in capitals, got 'eur'",
        "leads.rows: say which file's rows become leads",
        "leads.join.c: no such file in files",
        "leads.created_via.value: 'fax' is not one of form, chat, import, api, manual",
        "leads.email.template: file 'b' is not joined here",
        "leads.channel.map.a: unknown channel 'Organic' (known: Direct, Cross-network, "
        "Paid Shopping, Paid Search, Paid Social, Paid Video, Display, Paid Other, "
        "Organic Shopping, Organic Social, Organic Video, Organic Search, Referral, Email, "
        "Affiliates, Audio, SMS, Mobile Push Notifications, Unassigned, Chat, Import, API, "
        "Manual)",
        "leads.status.now: only for times (created_at, status_at, sale_date)",
        "sales.title.template: has no {column} placeholder (use value: for a constant)",
        "sales.amount.format: one of 1234.56, 1,234.56, 1.234,56, 1234,56, 1 234,56",
        "sales.probability.value: a whole percentage 0-100, got '101'",
        "sales.status.map.W: 'won' is not one of open, sold, lost, stalled",
    ]


def test_yaml_errors_name_the_line() -> None:
    assert problems("name: x\nleads:\n  external_id: a\n  external_id: b\n") == [
        "line 4: the key 'external_id' is given twice"
    ]
    (found,) = problems("name: x\nleads: [\n")
    assert found.startswith("mapping: line 3: not valid YAML")
    assert problems("- just a list") == [
        "mapping: must be a YAML mapping with name, files, leads/sales"
    ]


def test_numbers_in_value_maps_are_text() -> None:
    mapping = load_mapping(
        "name: x\nleads:\n  external_id: id\n  status: {column: c, map: {1: qualified, 0: open}}\n"
    )
    assert mapping.leads is not None
    assert mapping.leads.status is not None
    assert mapping.leads.status.map == {"1": "qualified", "0": "open"}


def test_files_that_do_not_fit(tmp_path: Path) -> None:
    mqls = tmp_path / "mqls.csv"
    mqls.write_text("mql_id,first_contact_date,origin\n1,2018-01-01,x\n")
    deals = tmp_path / "won.csv"
    deals.write_text("mql_id,seller_id\n1,2\n")
    olist = load_preset("olist-marketing-funnel")
    with pytest.raises(MappingError) as caught:
        assign_files(olist, [mqls, deals, tmp_path / "nope.csv"])
    assert caught.value.problems == [f"{tmp_path / 'nope.csv'}: no such file"]
    with pytest.raises(MappingError) as caught:
        assign_files(olist, [mqls, deals])
    # Neither name fits a glob; by their columns neither is complete.
    assert caught.value.problems == [
        "mqls.csv: fits none of the mapping's files (mqls, deals)",
        "won.csv: fits none of the mapping's files (mqls, deals)",
        "files.mqls: no file given for it (a file named like *marketing_qualified_leads*.csv)",
        "files.deals: no file given for it (a file named like *closed_deals*.csv)",
    ]
    renamed = tmp_path / "x_closed_deals_y.csv"
    renamed.write_text("mql_id,seller_id\n1,2\n")
    with pytest.raises(MappingError) as caught:
        assign_files(olist, [mqls, renamed])
    assert "x_closed_deals_y.csv: no column 'won_date' (read by leads.status_at)" in (
        caught.value.problems
    )
