"""Scoring rules of `dyads eval`: how gold actor codes, sectors and events are read and matched.

The gold records here are written for the tests (same formats as the benchmark files)."""
from __future__ import annotations

import json

import pytest

from dyads.errors import GoldFormatError
from dyads.evaluate.events_eval import GoldDoc, GoldEvent, Predicted, read_gold, score, split

CAMEO_ISO = {"JAP": "JPN", "YUG": "SRB"}


def to_iso(code: str) -> str:
    return CAMEO_ISO.get(code, code)


def to_plover(code: str) -> str | None:
    return {"190": "ASSAULT", "040": "CONSULT", "112": "ACCUSE"}.get(code)


def _petrarch(tmp_path, codings: str, text: str = "Tanks shelled the town.") -> list[GoldDoc]:
    path = tmp_path / "gold.xml"
    path.write_text(
        "<Validation>\n# banner\n<Sentences>\n"
        f'<Sentence category="TEST" date="20150609" id="S1" evaluate="true"/>\n{codings}\n<Text>\n{text}\n</Text>\n'
        "</Sentences>\n</Validation>\n",
        encoding="utf-8",
    )
    return read_gold(path, to_iso, to_plover)


def test_petrarch_codes_give_country_and_the_first_role_unit_as_sector(tmp_path):
    docs = _petrarch(tmp_path, '<EventCoding eventcode="190" sourcecode="IRQGOVMIL" targetcode="PSEGZACVL" />')
    g = docs[0].events[0]
    assert (g.actor, g.actor_sector, g.recipient, g.recipient_sector) == ("IRQ", "GOV", "PSE", "CVL")


@pytest.mark.parametrize(
    "code, expected",
    [("---REB", (None, "REB")), ("IGOUNOMIL", ("IGO", "MIL")), ("IGOEUREEC", ("IGO", None)),
     ("IRQMUS", ("IRQ", None)), ("NGOHRIAMN", ("IGO", "HRI")), ("YUGGOV", ("SRB", "GOV")), ("---", (None, None))],
)
def test_petrarch_actor_codes(tmp_path, code, expected):
    docs = _petrarch(tmp_path, f'<EventCoding eventcode="112" sourcecode="{code}" targetcode="USA" />')
    g = docs[0].events[0]
    assert (g.actor, g.actor_sector) == expected


def test_the_same_event_coded_twice_at_country_level_counts_once(tmp_path):
    docs = _petrarch(tmp_path, '<EventCoding eventcode="190" sourcecode="ISR" targetcode="PSECVL" />\n'
                               '<EventCoding eventcode="190" sourcecode="ISR" targetcode="PSEGZACVL" />')
    assert len(docs[0].events) == 1


def test_reciprocal_petrarch_pair_is_one_symmetric_event(tmp_path):
    docs = _petrarch(tmp_path, '<EventCoding eventcode="040" sourcecode="USA" targetcode="RUS" />\n'
                               '<EventCoding eventcode="040" sourcecode="RUS" targetcode="USA" />')
    (g,) = docs[0].events
    assert g.symmetric and {g.actor, g.recipient} == {"USA", "RUS"}


def test_unmapped_cameo_codes_are_optional_and_noevents_is_read(tmp_path):
    docs = _petrarch(tmp_path, '<EventCoding eventcode="015" sourcecode="USA" targetcode="IRQ" />')
    assert [(g.type, g.required) for g in docs[0].events] == [("NONE", False)]
    docs = _petrarch(tmp_path, '<EventCoding noevents="True" />')
    assert docs[0].no_events and docs[0].events == []


def _plover(tmp_path, records: list[dict]) -> list[GoldDoc]:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps([{"id": "DOC", "event": "DOCUMENT"}, *records]), encoding="utf-8")
    return read_gold(path, to_iso, to_plover)


def test_plover_types_sectors_and_codes(tmp_path):
    docs = _plover(tmp_path, [
        {"id": "R1", "event": "DISAPPROVE", "text": "Tokyo criticised the rebels.",
         "source": [{"actorText": "Tokyo", "code": "JAP", "sector": "GOV"}],
         "target": [{"actorText": "rebels", "code": "SRB", "sector": "REBalb"}]},
        {"id": "R2", "event": "FIGHT", "text": "Soldiers fought.", "source": [{"code": "ISR", "sector": "***"}], "target": ""},
        {"id": "R3", "event": "AGREE", "text": "They agreed.", "source": [{"code": "HRV"}], "target": "diplomatic"},
        {"id": "R4", "event": "DEMAND", "text": "A rights group asked.", "source": [{"code": "NGO"}], "target": [{"code": "SDN", "sector": "CIV"}]},
    ])
    r1, r2, r3, r4 = (d.events[0] for d in docs)
    assert (r1.type, r1.actor, r1.actor_sector, r1.recipient_sector) == ("ACCUSE", "JPN", "GOV", "REB")
    assert (r2.type, r2.actor_sector, r2.recipient) == ("ASSAULT", None, None)
    assert (r3.actor, r3.recipient) == ("HRV", None)  # a misplaced context word is no target
    assert (r4.type, r4.actor, r4.recipient_sector) == ("REQUEST", "IGO", "CVL")


def _pred(type_, actor, recipient, asec=None, rsec=None) -> Predicted:
    return Predicted(type_, actor, recipient, None, asec, rsec, "x", "id")


def _doc(events) -> GoldDoc:
    from dyads.models import Article

    return GoldDoc(Article(id="d", text="Some text."), events)


def test_symmetric_gold_scores_sectors_in_the_direction_that_matched():
    gold = [GoldEvent("CONSULT", "USA", "RUS", symmetric=True, actor_sector="GOV", recipient_sector="MIL")]
    report = score([_doc(gold)], {"d": [_pred("CONSULT", "RUS", "USA", "MIL", "GOV")]})
    assert report.overall["type+dyad"]["tp"] == 1
    assert report.actors["actor_country_sector"] == 1.0 and report.actors["recipient_country_sector"] == 1.0


def test_optional_gold_absorbs_predictions_and_extra_predictions_are_false_alarms():
    gold = [GoldEvent("ASSAULT", "ISR", "PSE"), GoldEvent("ACCUSE", "PSE", "ISR", required=False)]
    preds = [_pred("ASSAULT", "ISR", "PSE"), _pred("ACCUSE", "PSE", "ISR"), _pred("PROTEST", "PSE", "ISR")]
    s = score([_doc(gold)], {"d": preds}).overall["type+dyad"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 1, 0)


def test_split_is_by_record_parity_and_rejects_unknown_parts():
    docs = [_doc([]) for _ in range(5)]
    assert split(docs, "dev") == docs[0::2] and split(docs, "held-out") == docs[1::2] and split(docs) == docs
    with pytest.raises(GoldFormatError):
        split(docs, "train")


def test_records_sharing_an_id_keep_their_own_predictions(tmp_path):
    docs = _plover(tmp_path, [
        {"id": "R1", "event": "PROTEST", "text": "Farmers marched in Paris.", "source": [{"code": "FRA"}]},
        {"id": "R1", "event": "ASSAULT", "text": "Gunmen attacked a bus.", "source": [{"code": "PAK"}]},
    ])
    assert [d.article.id for d in docs] == ["R1", "R1#2"]
