"""The learned coder: its passes alone on hand-built parses, its model files, `dyads train`."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import spacy
from spacy.tokens import Doc

from dyads.actors.resolve import ActorIndex
from dyads.errors import ModelError
from dyads.events.coder import Candidate
from dyads.events.features import DocContext, dependency_path, is_trigger_candidate, span_root
from dyads.events.learned import Proposed, _no_self_dyad, fold_one_event, user_overrides
from dyads.events.lexicon import LexEntry, Lexicon
from dyads.events.model import CoderModel, LinearModel, load_shipped, shipped_model_path
from dyads.models import Actor

REPO = Path(__file__).parent.parent
VOCAB = spacy.blank("en").vocab  # English lexical attributes (lower case, ...) without a trained pipeline


def parsed(words, heads, deps, pos, lemmas=None):
    """A Doc built by hand, as spaCy's own tests do: heads are absolute token indices."""
    return Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)


def context(doc, rules=(), words=frozenset()):
    return DocContext(doc, ActorIndex(doc, None, None), Lexicon(), list(rules), trigger_words=words)


POLICE = dict(words=["Police", "fired", "tear", "gas", "at", "students"], heads=[1, 1, 3, 1, 1, 4],
              deps=["nsubj", "ROOT", "compound", "dobj", "prep", "pobj"], pos=["NOUN", "VERB", "NOUN", "NOUN", "ADP", "NOUN"])
TALKS = dict(words=["Rebels", "held", "talks", "in", "Doha"], heads=[1, 1, 1, 1, 3],
             deps=["nsubj", "ROOT", "dobj", "prep", "pobj"], pos=["NOUN", "VERB", "NOUN", "ADP", "PROPN"])


def test_span_root_is_the_word_whose_head_lies_outside():
    doc = parsed(**POLICE)
    assert span_root(list(doc[1:4])).text == "fired"  # "fired tear gas"
    assert span_root(list(doc[2:4])).text == "gas"


def test_dependency_path_names_the_preposition():
    doc = parsed(**POLICE)
    assert dependency_path(doc[1], doc[0]) == ("vnsubj", 1)
    assert dependency_path(doc[1], doc[5]) == ("vprep:atvpobj", 2)
    assert dependency_path(doc[0], doc[5]) == ("^nsubjvprep:atvpobj", 3)


def test_trigger_candidates_are_words_seen_as_triggers():
    doc = parsed(**TALKS)
    def candidates(words):
        ctx = context(doc, words=frozenset(words))
        return [t.text for t in doc if is_trigger_candidate(t, ctx)]
    assert candidates({"held", "talks"}) == ["held", "talks"]
    assert candidates({"talks"}) == ["talks"]  # a verb never seen as a trigger, and no rule reads it
    assert candidates(()) == ["held"]  # before training has seen any trigger: every verb


def test_one_phrase_is_one_event():
    doc = parsed(**TALKS)
    held = Proposed(doc[1], "CONSULT", 0.6, [doc[1]])
    talks = Proposed(doc[2], "CONSULT", 0.9, [doc[2]])
    [kept] = fold_one_event([held, talks], context(doc), model=None)
    assert kept is talks and [t.text for t in kept.tokens] == ["held", "talks"]
    # different types stay two events
    other = Proposed(doc[1], "ASSAULT", 0.6, [doc[1]])
    assert len(fold_one_event([other, Proposed(doc[2], "CONSULT", 0.9, [doc[2]])], context(doc), model=None)) == 2


def test_one_mention_is_never_both_sides():
    doc = parsed(**TALKS)
    rebels = Actor(code="SDN", sector="REB", start=0, end=6)
    event = Proposed(doc[1], "CONSULT", 0.9, [doc[1]], actors=[rebels], recipients=[rebels, Actor(code="QAT", start=20, end=24)])
    _no_self_dyad(event)
    assert [r.code for r in event.recipients] == ["QAT"]


def test_a_users_lexicon_entry_forces_its_code():
    doc = parsed(**POLICE)
    mine = LexEntry(id="my.teargas", type="COERCE", lemmas=("fire",), source="my_lexicon.yml")
    builtin = LexEntry(id="assault.fire", type="ASSAULT", lemmas=("fire",), source="dyads/data/lexicon/assault.yml")
    police = Actor(code="KEN", sector="COP", start=0, end=6)
    forced = Candidate(entry=mine, trigger=doc[1], trigger_tokens=[doc[1]], actors=[police], recipients=[None])
    modelled = Proposed(doc[1], "ASSAULT", 0.97, [doc[1]])
    [event] = user_overrides([modelled], context(doc, [forced]), model=None)
    assert event.type == "COERCE" and event.forced and event.actors == [police]
    # the built-in lexicon only advises: the model's reading stands
    advised = Candidate(entry=builtin, trigger=doc[1], trigger_tokens=[doc[1]], actors=[police], recipients=[None])
    assert user_overrides([modelled], context(doc, [advised]), model=None) == [modelled]
    # ... unless the entry is marked decisive: its words leave no doubt about the type
    sure = LexEntry(id="coerce.fire-gas", type="COERCE", lemmas=("fire",), objects=("gas",), decisive=True,
                    source="dyads/data/lexicon/coerce.yml")
    ruled = Candidate(entry=sure, trigger=doc[1], trigger_tokens=[doc[1], doc[3]], actors=[police], recipients=[None])
    [event] = user_overrides([modelled], context(doc, [ruled]), model=None)
    assert event.type == "COERCE" and event.forced


def test_the_shipped_lexicon_marks_offered_condolences_decisive(pipeline):
    # "offered" alone is mostly AGREE in the corpus; with "condolences" it is SUPPORT
    assert coded(pipeline, "The Russian president offered his condolences to Israel over the attack.") >= {("SUPPORT", "RUS", "ISR")}
    assert not any(t == "AGREE" for t, _, _ in coded(pipeline, "The Russian president offered his condolences to Israel over the attack."))


# -- model files ------------------------------------------------------------------------------

def tiny_model() -> LinearModel:
    return LinearModel(("NONE", "ASSAULT"), {"bias": 0, "l=attack": 1}, np.array([[0.0, -2.0], [0.0, 4.0]], np.float32),
                       np.zeros(2, np.float32))


def test_linear_model_scores_and_round_trips(tmp_path):
    model = tiny_model()
    probs = model.scores([["bias", "l=attack"], ["bias", "l=unknown-word"]])
    assert probs.shape == (2, 2) and np.allclose(probs.sum(axis=1), 1.0)
    assert probs[0, 1] > 0.8 and probs[1, 1] < 0.2
    assert model.contributions(["bias", "l=attack"], "ASSAULT")[0] == ("l=attack", 4.0)
    model.save(tmp_path / "m.npz")
    again = LinearModel.load(tmp_path / "m.npz")
    assert again.labels == model.labels and again.vocab == model.vocab
    assert np.allclose(again.scores([["bias", "l=attack"]]), probs[:1], atol=1e-3)


@pytest.fixture(scope="module")
def shipped() -> CoderModel:
    model = load_shipped()
    assert model is not None, "the package ships no coder model (run: dyads train -o src/dyads/data/model)"
    return model


def test_the_shipped_model_is_small_and_loaded_once(shipped):
    size = sum(p.stat().st_size for p in shipped_model_path().iterdir())
    assert size < 60 * 1024 * 1024
    assert load_shipped() is shipped  # once per process
    assert set(shipped.trigger.labels) >= {"NONE", "ASSAULT", "CONSULT", "PROTEST"}
    assert shipped.meta["trained"]["train_documents"] >= 500


def broken_copies(shipped: CoderModel, root: Path) -> dict[str, tuple[Path, str]]:
    made = {}
    for name in ("no-meta", "wrong-format", "corrupt", "missing-part", "bad-meta"):
        folder = root / name
        shutil.copytree(shipped.path, folder)
        made[name] = folder
    (made["no-meta"] / "meta.json").unlink()
    meta = json.loads((made["wrong-format"] / "meta.json").read_text())
    (made["wrong-format"] / "meta.json").write_text(json.dumps({**meta, "format": "dyads-coder/0"}))
    (made["corrupt"] / "trigger.npz").write_bytes(b"PK\x03\x04 truncated")
    (made["missing-part"] / "role.npz").unlink()
    (made["bad-meta"] / "meta.json").write_text("{not json")
    expected = {"no-meta": "no meta.json", "wrong-format": "dyads-coder/0", "corrupt": "trigger.npz: corrupt",
                "missing-part": "role.npz is missing", "bad-meta": "unreadable"}
    return {name: (made[name], expected[name]) for name in made}


def test_a_broken_model_directory_is_one_line_and_exit_5(shipped, tmp_path, dyads, fixtures_dir):
    with pytest.raises(ModelError, match="no such model directory"):
        CoderModel.load(tmp_path / "absent")
    for name, (folder, says) in broken_copies(shipped, tmp_path).items():
        with pytest.raises(ModelError, match=says):
            CoderModel.load(folder)
        proc = dyads("code", fixtures_dir / "hebron_arrests.txt", "--model", folder, "--db", tmp_path / f"{name}.duckdb")
        assert proc.returncode == 5, (name, proc.stderr_text)
        assert says in proc.stderr_text and "Traceback" not in proc.stderr_text
        assert len(proc.stderr_text.strip().splitlines()) == 1


# -- training ------------------------------------------------------------------------------------

SLICE = sorted((REPO / "corpus" / "written").glob("w01-b0[1-4].jsonl"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A small model trained end to end by the real command on a slice of the corpus."""
    from conftest import run_dyads

    root = tmp_path_factory.mktemp("train")
    corpus = root / "corpus"
    corpus.mkdir()
    for path in SLICE:
        shutil.copy(path, corpus / path.name)
    bad = corpus / "zz-bad.jsonl"
    bad.write_text(SLICE[0].read_text(encoding="utf-8").splitlines()[0].replace('"id": "w01-0001"', '"id": "zz-1"') + "\n{broken\n",
                   encoding="utf-8")
    runs = []
    for name in ("a", "b"):
        proc = run_dyads("train", "--corpus", corpus, "-o", root / name, "--json", "--seed", "7")
        runs.append(proc)
    return root, runs


def test_train_builds_a_model_that_codes(trained, dyads):
    root, (first, _) = trained
    assert first.returncode == 3, first.stderr_text  # trained, but a bad line was skipped
    assert "zz-bad.jsonl:2: not JSON" in first.stderr_text and "Traceback" not in first.stderr_text
    report = json.loads(first.stdout_text)
    assert report["train_documents"] >= 40 and report["skipped"] == 1
    assert {p.name for p in (root / "a").iterdir()} == {"meta.json", "trigger.npz", "role.npz", "factuality.npz", "mode.npz", "implicit.npz", "sector.npz"}
    proc = dyads("explain", "Police arrested twenty opposition supporters in Nairobi on Monday.", "--published", "1997-07-08",
                 "--model", root / "a", "--json")
    assert proc.returncode == 0, proc.stderr_text
    events = json.loads(proc.stdout_text)
    coerce = [e for e in events if e["event"] == "COERCE"]
    assert coerce and coerce[0]["actor"]["code"] == "KEN"
    assert coerce[0]["evidence"][0]["scores"]["type"]["COERCE"] > 0.5  # explain shows the model's scores


def test_training_is_deterministic_for_a_seed(trained):
    root, _ = trained
    a, b = CoderModel.load(root / "a"), CoderModel.load(root / "b")
    for part in ("trigger", "role", "factuality", "mode", "implicit", "sector"):
        ma, mb = getattr(a, part), getattr(b, part)
        assert ma.labels == mb.labels and ma.vocab == mb.vocab and np.array_equal(ma.weights, mb.weights)
    assert a.thresholds == b.thresholds


def test_decoding_prefers_fewer_false_alarms_when_f1_ties():
    from dyads.train import choose_decoding

    tried = [({"rule_trigger": 0.2}, {"type+dyad": 0.391, "false_alarms_per_100_no_event": 9.0}),
             ({"rule_trigger": 0.4}, {"type+dyad": 0.391, "false_alarms_per_100_no_event": 7.5}),
             ({"rule_trigger": 0.6}, {"type+dyad": 0.370, "false_alarms_per_100_no_event": 5.0})]
    # the same F1, fewer events invented; 0.370 gives up real F1 for its fewer false alarms
    assert choose_decoding(tried)[0] == {"rule_trigger": 0.4}
    # an unnamed side filled in at 0.3 or only at 0.6: within noise, the stricter one
    sides = [({"implicit": 0.3}, {"type+dyad": 0.443, "false_alarms_per_100_no_event": 7.5}),
             ({"implicit": 0.6}, {"type+dyad": 0.441, "false_alarms_per_100_no_event": 7.5}),
             ({"implicit": 0.5}, {"type+dyad": 0.430, "false_alarms_per_100_no_event": 7.5})]
    assert choose_decoding(sides)[0] == {"implicit": 0.6}
    # one sentence's false alarm more on dev does not outweigh filling fewer unnamed sides
    close = [({"implicit": 0.5}, {"type+dyad": 0.453, "false_alarms_per_100_no_event": 11.33}),
             ({"implicit": 0.6}, {"type+dyad": 0.449, "false_alarms_per_100_no_event": 11.41})]
    assert choose_decoding(close)[0] == {"implicit": 0.6}
    # and between equals the rules' actor and recipient stand
    rules = [({"implicit": 0.6, "rule_arguments": 0.0}, {"type+dyad": 0.452, "false_alarms_per_100_no_event": 11.3}),
             ({"implicit": 0.6, "rule_arguments": 1.01}, {"type+dyad": 0.451, "false_alarms_per_100_no_event": 11.4}),
             ({"implicit": 0.6, "rule_arguments": 0.7}, {"type+dyad": 0.440, "false_alarms_per_100_no_event": 9.0})]
    assert choose_decoding(rules)[0] == {"implicit": 0.6, "rule_arguments": 1.01}


def test_decoding_takes_a_good_stretch_of_trigger_cut_offs_over_a_lone_peak():
    from dyads.train import choose_decoding

    def at(trigger, f1, setting=1.01):
        return ({"trigger": trigger, "rule_arguments": setting},
                {"type+dyad": f1, "false_alarms_per_100_no_event": 10.0})

    # 0.75 tops dev by one sentence, but its neighbours fall away; 0.5 sits in a plateau
    # (and in its middle: 0.45 is as good but at its edge)
    tried = [at(0.45, 0.436), at(0.5, 0.442), at(0.55, 0.441), at(0.6, 0.400),
             at(0.7, 0.400), at(0.75, 0.452), at(0.8, 0.390)]
    assert choose_decoding(tried)[0]["trigger"] == 0.5
    # each setting is smoothed along its own trigger cut-offs only, and the scores returned
    # are the chosen cut-off's own
    other = [at(0.45, 0.300, 0.0), at(0.5, 0.460, 0.0), at(0.55, 0.300, 0.0)]
    chosen, scores = choose_decoding(tried + other)
    assert chosen == {"trigger": 0.5, "rule_arguments": 1.01} and scores["type+dyad"] == 0.442


def test_the_word_by_word_cut_off_is_the_middle_of_a_good_stretch():
    from dyads.train import smoothed

    assert smoothed([0.2, 0.5, 0.2, 0.4, 0.4, 0.4]) == pytest.approx([0.35, 0.3, 0.3667, 0.3333, 0.4, 0.4], abs=1e-3)


def test_train_without_a_corpus_says_so(dyads, tmp_path):
    proc = dyads("train", "--corpus", tmp_path / "nothing-here", "-o", tmp_path / "m")
    assert proc.returncode == 2 and "no such file or folder" in proc.stderr_text
    proc = dyads("train", "--members", "0", "-o", tmp_path / "m")  # at least one hidden layer
    assert proc.returncode == 2 and "--members" in proc.stderr_text and "Traceback" not in proc.stderr_text


# -- passes that need no model ---------------------------------------------------------------------

def test_a_stated_future_act_is_also_an_agree_or_a_threat():
    from dyads.events.learned import derive_intents

    doc = parsed(words=["Finland", "will", "give", "Tanzania", "aid"], heads=[2, 2, 2, 2, 2],
                 deps=["nsubj", "aux", "ROOT", "dative", "dobj"], pos=["PROPN", "AUX", "VERB", "PROPN", "NOUN"])
    fin, tza = Actor(code="FIN", start=0, end=7), Actor(code="TZA", start=18, end=26)
    aid = Proposed(doc[2], "AID", 0.9, [doc[2]], actors=[fin], recipients=[tza], factuality="future")
    events = derive_intents([aid], context(doc), model=None)
    assert [(e.type, e.factuality) for e in events] == [("AID", "future"), ("AGREE", "asserted")]
    assert events[1].actors == [fin] and events[1].recipients == [tza]
    # a hostile act announced is a threat; an act that happened derives nothing
    blockade = Proposed(doc[2], "COERCE", 0.9, [doc[2]], actors=[fin], factuality="future")
    assert [e.type for e in derive_intents([blockade], context(doc), model=None)] == ["COERCE", "THREATEN"]
    done = Proposed(doc[2], "AID", 0.9, [doc[2]], actors=[fin], factuality="asserted")
    assert derive_intents([done], context(doc), model=None) == [done]


def test_a_condition_or_a_need_is_no_stated_intention():
    from dyads.events.learned import derive_intents

    # "If the minister helps broker a deal, ...": the model may read the deal as future,
    # but the rules read a condition and no word states an intent: no AGREE is derived.
    doc = parsed(words=["Finland", "will", "give", "Tanzania", "aid"], heads=[2, 2, 2, 2, 2],
                 deps=["nsubj", "aux", "ROOT", "dative", "dobj"], pos=["PROPN", "AUX", "VERB", "PROPN", "NOUN"])
    fin = Actor(code="FIN", start=0, end=7)
    ctx = context(doc)
    ctx.rule_factuality, ctx.rule_intent = (lambda tok: "hypothetical"), (lambda tok: None)
    aid = Proposed(doc[2], "AID", 0.9, [doc[2]], actors=[fin], factuality="future")
    assert [e.type for e in derive_intents([aid], ctx, model=None)] == ["AID"]
    # with a word stating the intent ("will", "pledged to") the AGREE stands
    ctx = context(doc)
    ctx.rule_factuality, ctx.rule_intent = (lambda tok: "hypothetical"), (lambda tok: doc[1])
    assert [e.type for e in derive_intents([aid], ctx, model=None)] == ["AID", "AGREE"]


def test_weather_disasters_and_pests_act_on_no_one_s_behalf():
    from dyads.events.learned import drop_acts_of_nature

    doc = parsed(words=["Locusts", "invaded", "farmland"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
                 pos=["NOUN", "VERB", "NOUN"], lemmas=["locust", "invade", "farmland"])
    assert drop_acts_of_nature([Proposed(doc[1], "ASSAULT", 0.6, [doc[1]])], context(doc), model=None) == []
    doc = parsed(words=["Troops", "invaded", "Kuwait"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
                 pos=["NOUN", "VERB", "PROPN"], lemmas=["troop", "invade", "Kuwait"])
    invaded = Proposed(doc[1], "ASSAULT", 0.6, [doc[1]])
    assert drop_acts_of_nature([invaded], context(doc), model=None) == [invaded]


def test_a_hidden_layer_learns_what_no_single_feature_says():
    """fit_mlp on a conjunction no linear model can learn (an event only when both
    cues are there, or neither), deterministic for a seed; saved and loaded unchanged."""
    from dyads.train import fit_part

    rows = [(["a", "b"], "EVENT"), (["a"], "NONE"), (["b"], "NONE"), ([], "EVENT")] * 400
    features, labels = [r[0] + ["bias"] for r in rows], [r[1] for r in rows]
    mlp = dict(kind="mlp", hidden=8, epochs=40, lr=0.02, holdout=0.0, seed=3)
    model = fit_part(features, labels, 1, 1.0, **mlp)
    linear = fit_part(features, labels, 1, 1.0)
    probe = [["a", "b", "bias"], ["a", "bias"], ["b", "bias"], ["bias"]]
    assert [model.labels[j] for j in model.scores(probe).argmax(axis=1)] == ["EVENT", "NONE", "NONE", "EVENT"]
    assert [linear.labels[j] for j in linear.scores(probe).argmax(axis=1)] != ["EVENT", "NONE", "NONE", "EVENT"]
    again = fit_part(features, labels, 1, 1.0, **mlp)
    assert np.array_equal(again.w1, model.w1) and np.array_equal(again.w2, model.w2)


def test_hidden_layers_from_several_seeds_score_their_mean():
    """members=3: three hidden layers trained from seeds 3, 4 and 5, joined into one model
    whose logits are the mean of theirs, and which still learns the conjunction."""
    from dyads.events.model import MLPModel
    from dyads.train import fit_mlps, fit_part

    rows = [(["a", "b"], "EVENT"), (["a"], "NONE"), (["b"], "NONE"), ([], "EVENT")] * 400
    features, labels = [r[0] + ["bias"] for r in rows], [r[1] for r in rows]
    mlp = dict(kind="mlp", hidden=8, epochs=40, lr=0.02, holdout=0.0)
    alone = [fit_part(features, labels, 1, 1.0, seed=s, **mlp) for s in (3, 4, 5)]
    joined = fit_part(features, labels, 1, 1.0, seed=3, members=3, **mlp)
    assert isinstance(joined, MLPModel) and joined.w1.shape == (3, 24)
    probe = [["a", "b", "bias"], ["a", "bias"], ["b", "bias"], ["bias"]]
    mean = np.mean([m.logits(probe) for m in alone], axis=0)
    assert np.allclose(joined.logits(probe), mean, atol=1e-4)
    assert [joined.labels[j] for j in joined.scores(probe).argmax(axis=1)] == ["EVENT", "NONE", "NONE", "EVENT"]
    with pytest.raises(ValueError):
        MLPModel.joined([alone[0], fit_part(features, ["X" if l == "NONE" else l for l in labels], 1, 1.0, seed=3, **mlp)])


def test_an_mlp_part_is_saved_and_loaded(tmp_path):
    from dyads.events.model import MLPModel, load_part

    model = MLPModel(("NONE", "ASSAULT"), {"bias": 0, "w=fired": 1}, np.array([[0.5, -1.0], [2.0, 0.25]], np.float32),
                     np.zeros(2, np.float32), np.array([[0.0, 1.0], [1.0, 0.0]], np.float32), np.zeros(2, np.float32))
    model.save(tmp_path / "trigger.npz")
    loaded = load_part(tmp_path / "trigger.npz")
    assert isinstance(loaded, MLPModel) and loaded.labels == model.labels
    assert np.allclose(loaded.scores([["bias", "w=fired"], ["bias"]]), model.scores([["bias", "w=fired"], ["bias"]]), atol=1e-3)


def test_giving_words_is_no_aid():
    from dyads.events.learned import drop_information_given

    # "Putin gave Bennett his assessments": the model may read "gave" as AID
    doc = parsed(words=["Putin", "gave", "Bennett", "his", "assessments"], heads=[1, 1, 1, 4, 1],
                 deps=["nsubj", "ROOT", "dative", "poss", "dobj"], pos=["PROPN", "VERB", "PROPN", "PRON", "NOUN"],
                 lemmas=["Putin", "give", "Bennett", "his", "assessment"])
    gave = Proposed(doc[1], "AID", 0.8, [doc[1]])
    assert drop_information_given([gave], context(doc), model=None) == []
    # "Germany gave Ukraine tanks" is AID
    doc = parsed(words=["Germany", "gave", "Ukraine", "tanks"], heads=[1, 1, 1, 1],
                 deps=["nsubj", "ROOT", "dative", "dobj"], pos=["PROPN", "VERB", "PROPN", "NOUN"],
                 lemmas=["Germany", "give", "Ukraine", "tank"])
    gave = Proposed(doc[1], "AID", 0.8, [doc[1]])
    assert drop_information_given([gave], context(doc), model=None) == [gave]
    # "providing the premier with an update": what is provided is the update
    doc = parsed(words=["providing", "the", "premier", "with", "an", "update"], heads=[0, 2, 0, 0, 5, 3],
                 deps=["ROOT", "det", "dobj", "prep", "det", "pobj"], pos=["VERB", "DET", "NOUN", "ADP", "DET", "NOUN"],
                 lemmas=["provide", "the", "premier", "with", "an", "update"])
    assert drop_information_given([Proposed(doc[0], "AID", 0.8, [doc[0]])], context(doc), model=None) == []


def test_a_relative_clause_states_no_intention():
    from dyads.events.learned import derive_intents

    # "Bennett became the first leader to meet Putin": the model may read "meet" as
    # future, but the clause describes the leader; Bennett stated no intention to meet
    doc = parsed(words=["Bennett", "became", "the", "first", "leader", "to", "meet", "Putin"],
                 heads=[1, 1, 4, 4, 1, 6, 4, 6], deps=["nsubj", "ROOT", "det", "amod", "attr", "aux", "relcl", "dobj"],
                 pos=["PROPN", "VERB", "DET", "ADJ", "NOUN", "PART", "VERB", "PROPN"])
    isr, rus = Actor(code="ISR", start=0, end=7), Actor(code="RUS", start=41, end=46)
    meet = Proposed(doc[6], "CONSULT", 0.9, [doc[6]], actors=[isr], recipients=[rus], factuality="future")
    assert [e.type for e in derive_intents([meet], context(doc), model=None)] == ["CONSULT"]


def test_an_attempt_states_no_intention():
    from dyads.events.coder import EventCoder
    from dyads.events.learned import derive_intents

    # "Israel sought to mediate talks": the model may read "mediate" as future, but an
    # effort reported is no pledge; "Israel will mediate talks" is one
    def derived(doc, trigger):
        ctx = context(doc)
        ctx.rule_attempt = EventCoder(Lexicon()).is_attempt
        talks = Proposed(doc[trigger], "CONSULT", 0.9, [doc[trigger]], actors=[Actor(code="ISR", start=0, end=6)],
                         factuality="future")
        return [e.type for e in derive_intents([talks], ctx, model=None)]

    sought = parsed(words=["Israel", "sought", "to", "mediate", "talks"], heads=[1, 1, 3, 1, 3],
                    deps=["nsubj", "ROOT", "aux", "xcomp", "dobj"], pos=["PROPN", "VERB", "PART", "VERB", "NOUN"],
                    lemmas=["Israel", "seek", "to", "mediate", "talk"])
    will = parsed(words=["Israel", "will", "mediate", "talks"], heads=[2, 2, 2, 2],
                  deps=["nsubj", "aux", "ROOT", "dobj"], pos=["PROPN", "AUX", "VERB", "NOUN"],
                  lemmas=["Israel", "will", "mediate", "talk"])
    assert derived(sought, 3) == ["CONSULT"]
    assert derived(will, 2) == ["CONSULT", "AGREE"]


def test_an_unnamed_side_takes_the_sector_such_sides_have_in_the_corpus(shipped):
    from dyads.events.features import Implicit
    from dyads.events.learned import _implicit_actor
    from dyads.train import side_sectors

    counts = {"unnamed|recipient|ASSAULT": Counter(CVL=30, GOV=5), "unnamed|actor|AID": Counter(GOV=3),
              "country|recipient|ASSAULT": Counter({"-": 20, "GOV": 4})}
    assert side_sectors(counts) == {"unnamed|recipient|ASSAULT": "CVL", "country|recipient|ASSAULT": None}
    # the victims of an attack in a place are its civilians; a side taken from the event
    # before keeps its own sector
    place = Implicit("place", Actor(code="IRQ", entity_text="Kirkuk"))
    assert _implicit_actor(place, "recipient", "ASSAULT", shipped).sector == "CVL"
    assert _implicit_actor(Implicit("actor-home", Actor(code="KEN", sector="GOV")), "recipient", "PROTEST", shipped).sector == "GOV"
    before = Implicit("previous-actor0", Actor(code="IRQ", sector="MIL"))
    assert _implicit_actor(before, "recipient", "ASSAULT", shipped).sector == "MIL"


def test_an_unnamed_actor_is_chosen_knowing_the_named_recipient():
    """"Two US soldiers were killed": the document's main country is the victims', so no
    attacker of theirs; the implicit model sees whether a candidate is the other side."""
    from dyads.events.learned import fill_implicit

    def one(labels):
        return LinearModel(labels, {}, np.zeros((0, len(labels)), np.float32), np.zeros(len(labels), np.float32))

    implicit = LinearModel(("no", "yes"), {"R+src+same=actor|main|1": 0}, np.array([[0.0, -6.0]], np.float32),
                           np.array([0.0, 2.0], np.float32))
    model = CoderModel(one(("NONE",)), one(("none",)), one(("asserted",)), one(("-",)), implicit,
                       meta={"thresholds": {"implicit": 0.5}})
    doc = parsed(words=["Soldiers", "were", "killed"], heads=[2, 2, 2], deps=["nsubjpass", "auxpass", "ROOT"],
                 pos=["NOUN", "AUX", "VERB"])
    ctx = context(doc)
    ctx.main_country = ("USA", -1)
    victims = Proposed(doc[2], "ASSAULT", 0.9, [doc[2]], recipients=[Actor(code="USA", sector="MIL")])
    [victims] = fill_implicit([victims], ctx, model)
    assert victims.actors == []
    others = Proposed(doc[2], "ASSAULT", 0.9, [doc[2]], recipients=[Actor(code="AFG", sector="MIL")])
    [others] = fill_implicit([others], ctx, model)
    assert [a.code for a in others.actors] == ["USA"]


def test_the_sector_model_reads_a_side_s_sector_from_the_act():
    """"Zimbabwe sent troops": the words name a country (a state: GOV); what it sent says
    its military acted. Below the cut-off, and with a model that has no sector part, the
    words' sector stands."""
    from dyads.events.learned import choose_sectors

    def one(labels):
        return LinearModel(labels, {}, np.zeros((0, len(labels)), np.float32), np.zeros(len(labels), np.float32))

    sector = LinearModel(("GOV", "MIL"), {"R+obj=actor|troop": 0}, np.array([[0.0, 6.0]], np.float32),
                         np.array([1.0, 0.0], np.float32))
    parts = (one(("NONE",)), one(("none",)), one(("asserted",)), one(("-",)), one(("no", "yes")))

    def coded(obj, model):
        doc = parsed(words=["Zimbabwe", "sent", obj], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
                     pos=["PROPN", "VERB", "NOUN"], lemmas=["Zimbabwe", "send", obj.rstrip("s")])
        event = Proposed(doc[1], "AID", 0.9, [doc[1]], actors=[Actor(code="ZWE", sector="GOV", start=0, end=8)])
        return choose_sectors([event], context(doc), model)[0].actors[0].sector

    model = CoderModel(*parts, meta={"thresholds": {"sector": 0.7}}, sector=sector)
    assert coded("troops", model) == "MIL"
    assert coded("aid", model) == "GOV"  # sent aid: nothing says military
    assert coded("troops", CoderModel(*parts, meta={"thresholds": {"sector": 0.7}})) == "GOV"


def test_the_implicit_model_sees_whether_a_candidate_is_the_country_where_it_happened():
    from dyads.events.features import implicit_candidates, implicit_features, place_of
    from dyads.models import Place

    doc = parsed(words=["an", "attack", "in", "Beersheba"], heads=[1, 1, 1, 2], deps=["det", "ROOT", "prep", "pobj"],
                 pos=["DET", "NOUN", "ADP", "PROPN"])
    ctx = context(doc)
    ctx.main_country = ("RUS", -1)  # a story about Moscow's diplomacy
    ctx.places = {3: Place(name="Beersheba", feature="town", country="ISR", text="Beersheba")}
    place = place_of(doc[1], ctx)
    sources = {c.source: c for c in implicit_candidates("recipient", doc[1], "ASSAULT", [], None, [], place, ctx)}
    assert (sources["place"].actor.code, sources["main"].actor.code) == ("ISR", "RUS")
    here = {src: [f for f in implicit_features("recipient", c, doc[1], "ASSAULT", [], 0, place, ctx) if "here" in f]
            for src, c in sources.items()}
    assert here == {"place": ["R+T+here=recipient|ASSAULT|1"], "main": ["R+T+here=recipient|ASSAULT|0"]}


def test_the_implicit_model_sees_which_event_a_side_is_taken_from():
    """'Israel refuses requests to supply Ukraine with aid or to join sanctions against Russia.
    It has supplied aid': the aid's unnamed recipient may be a side of the refused aid or of
    the sanctions just before it, and the model is told which of the two events each is from."""
    from dyads.events.features import implicit_candidates, implicit_features

    doc = parsed(words=["It", "supplied", "aid"], heads=[1, 1, 1], deps=["nsubj", "ROOT", "dobj"],
                 pos=["PRON", "VERB", "NOUN"])
    israel, ukraine, russia = (Actor(code=c, sector="GOV") for c in ("ISR", "UKR", "RUS"))
    previous = [("AID", [israel], [ukraine]), ("SANCTION", [israel], [russia])]
    cands = implicit_candidates("recipient", doc[1], "AID", [israel], None, previous, None, context(doc))
    taken = {c.actor.code: c for c in cands if c.source.startswith("previous-recipient")}
    assert (taken["UKR"].previous_type, taken["RUS"].previous_type) == ("AID", "SANCTION")
    same = {code: [f for f in implicit_features("recipient", c, doc[1], "AID", [israel], 0, None, context(doc)) if "sameT" in f]
            for code, c in taken.items()}
    assert same == {"UKR": ["R+sameT+src=recipient|1|previous-recipient1"],
                    "RUS": ["R+sameT+src=recipient|0|previous-recipient0"]}


def test_an_unnamed_side_is_never_the_mention_already_on_the_other_side():
    from dyads.events.learned import fill_implicit

    def one(labels):
        return LinearModel(labels, {}, np.zeros((0, len(labels)), np.float32), np.zeros(len(labels), np.float32))

    always = LinearModel(("no", "yes"), {}, np.zeros((0, 2), np.float32), np.array([0.0, 3.0], np.float32))
    model = CoderModel(one(("NONE",)), one(("none",)), one(("asserted",)), one(("-",)), always,
                       meta={"thresholds": {"implicit": 0.5}})
    doc = parsed(words=["Bennett", "called", "after", "the", "attack"], heads=[1, 1, 1, 4, 2],
                 deps=["nsubj", "ROOT", "prep", "det", "pobj"], pos=["PROPN", "VERB", "ADP", "DET", "NOUN"])
    bennett = Actor(code="ISR", sector="GOV", name="Naftali Bennett", entity_text="Bennett", start=0, end=7)
    call = Proposed(doc[1], "CONSULT", 0.9, [doc[1]], recipients=[bennett])
    attack = Proposed(doc[4], "ASSAULT", 0.9, [doc[4]])
    fill_implicit([call, attack], context(doc), model)
    # Bennett may be taken for the victims' side, but then not for the attacker as well
    assert attack.recipients == [bennett] and bennett not in attack.actors


def test_countries_and_organisations_named_as_sides_act_as_states():
    from dyads.events.learned import state_sectors

    doc = parsed(**TALKS)
    event = Proposed(doc[1], "CONSULT", 0.9, [doc[1]], actors=[Actor(code="CHN", kb_id="country:CHN")],
                     recipients=[Actor(code="IGO", org="EU"), Actor(code="SDN", sector="REB")])
    [event] = state_sectors([event], context(doc), model=None)
    assert [a.sector for a in event.actors + event.recipients] == ["GOV", "GOV", "REB"]


def test_a_country_named_as_the_attacker_acts_through_its_army(shipped):
    from dyads.events.learned import state_sectors

    # the corpus mostly codes a country named as the side that attacks as its military
    assert shipped.meta["side_sectors"]["country|actor|ASSAULT"] == "MIL"
    doc = parsed(**POLICE)
    event = Proposed(doc[1], "ASSAULT", 0.9, [doc[1]], actors=[Actor(code="ISR", kb_id="country:ISR")],
                     recipients=[Actor(code="PSE", sector="CVL")])
    [event] = state_sectors([event], context(doc), model=shipped)
    assert [a.sector for a in event.actors + event.recipients] == ["MIL", "CVL"]


def test_a_definite_noun_after_its_event_is_a_mention_of_it():
    from dyads.events.learned import corefer_definite_mentions

    doc = parsed(words=["Troops", "arrested", "ten", "men", "before", "the", "arrests"], heads=[1, 1, 3, 1, 1, 6, 4],
                 deps=["nsubj", "ROOT", "nummod", "dobj", "prep", "det", "pobj"],
                 pos=["NOUN", "VERB", "NUM", "NOUN", "ADP", "DET", "NOUN"])
    first = Proposed(doc[1], "COERCE", 0.9, [doc[1]], actors=[Actor(code="ISR")], recipients=[Actor(code="PSE")],
                     scores={"actor": 0.9, "recipient": 0.9})
    again = Proposed(doc[6], "COERCE", 0.8, [doc[6]], actors=[Actor(code="ISR")], recipients=[Actor(code="PSE")],
                     scores={"actor_implicit": "previous-actor0 0.60"})
    corefer_definite_mentions([first, again], context(doc), model=None)
    assert first.actors and again.actors == [] and again.recipients == []  # merged later as evidence of the arrest
    # after arrests only planned, "the arrests" are new ones: they keep their sides
    planned = Proposed(doc[1], "COERCE", 0.9, [doc[1]], actors=[Actor(code="ISR")], factuality="future")
    again = Proposed(doc[6], "COERCE", 0.8, [doc[6]], actors=[Actor(code="ISR")], recipients=[Actor(code="PSE")],
                     scores={"actor_implicit": "previous-actor0 0.60"})
    corefer_definite_mentions([planned, again], context(doc), model=None)
    assert again.actors and again.recipients


def test_a_coordinate_clause_has_its_own_sides():
    """"France suspended aid, and the EU froze loans": the EU froze, it was not suspended; a
    verb with no subject of its own shares its coordinate's ("80 were killed and wounded"),
    and a verb with no object of its own the next one's ("met and thanked him"). What the
    actor says after the act ("rejected the accusation, saying ...") names no side of it."""
    from dyads.events.learned import drop_recipients_in_coordinate_clauses

    def recipients(words, heads, deps, trigger, subject):
        doc = parsed(words=words, heads=heads, deps=deps, pos=["PROPN"] * len(words))
        side = Actor(code="IGO", start=doc[subject].idx, end=doc[subject].idx + len(doc[subject].text))
        event = Proposed(doc[trigger], "SANCTION", 0.9, [doc[trigger]], actors=[Actor(code="FRA")], recipients=[side])
        [event] = drop_recipients_in_coordinate_clauses([event], context(doc), model=None)
        return [r.code for r in event.recipients]

    froze = (["France", "suspended", "aid", ",", "and", "EU", "froze", "loans"], [1, 1, 1, 1, 1, 6, 1, 6],
             ["nsubj", "ROOT", "dobj", "punct", "cc", "nsubj", "conj", "dobj"])
    assert recipients(*froze, trigger=1, subject=5) == []
    shared = (["EU", "was", "suspended", "and", "expelled"], [2, 2, 2, 2, 2], ["nsubjpass", "auxpass", "ROOT", "cc", "conj"])
    assert recipients(*shared, trigger=4, subject=0) == ["IGO"]
    relative = (["France", "cancelled", "debt", "EU", "owes"], [1, 1, 1, 4, 1], ["nsubj", "ROOT", "dobj", "nsubj", "conj"])
    assert recipients(*relative, trigger=1, subject=3) == ["IGO"]  # no "and": a misparsed relative clause
    said = (["Martin", "condemned", "attack", "and", "said", "EU", "expected", "inquiry"], [1, 1, 1, 1, 1, 6, 4, 6],
            ["nsubj", "ROOT", "dobj", "cc", "conj", "nsubj", "ccomp", "dobj"])
    assert recipients(*said, trigger=1, subject=5) == []
    thanked = (["Martin", "met", "and", "thanked", "EU"], [1, 1, 1, 1, 3], ["nsubj", "ROOT", "cc", "conj", "dobj"])
    assert recipients(*thanked, trigger=1, subject=4) == ["IGO"]
    saying = (["Qatar", "rejected", "accusation", ",", "saying", "payments", "to", "EU", "stopped"], [1, 1, 1, 1, 1, 8, 5, 6, 4],
              ["nsubj", "ROOT", "dobj", "punct", "advcl", "nsubj", "prep", "pobj", "ccomp"])
    doc = parsed(words=saying[0], heads=saying[1], deps=saying[2], pos=["PROPN"] * 9,
                 lemmas=["qatar", "reject", "accusation", ",", "say", "payment", "to", "eu", "stop"])
    side = Actor(code="IGO", start=doc[7].idx, end=doc[7].idx + 2)
    event = Proposed(doc[1], "REJECT", 0.9, [doc[1]], actors=[Actor(code="QAT")], recipients=[side])
    assert drop_recipients_in_coordinate_clauses([event], context(doc), model=None)[0].recipients == []  # what it says after


# -- the shipped coder, end to end -----------------------------------------------------------------

def coded(pipeline, text: str) -> set[tuple]:
    from datetime import date

    from dyads.models import Article

    events = pipeline.code_one(Article(id="t", text=text, published=date(2022, 3, 23))).events
    return {(e.event, e.actor.code if e.actor else None, e.recipient.code if e.recipient else None)
            for e in events if e.factuality == "asserted"}


@pytest.mark.parametrize("text", [
    "Brazil beat Argentina 2-1 in a World Cup qualifier on Tuesday.",
    "The dollar rose against the yen as oil prices surged.",
    "A storm battered the coast of Mozambique, killing 12 people.",
    "Locusts invaded farmland in northern Kenya.",
    "Manchester United attacked down the left and stormed to a 3-0 win.",
    "Russia did not attack Ukraine on Tuesday.",
])
def test_hard_negatives_code_nothing(pipeline, text):
    assert coded(pipeline, text) == set()


@pytest.mark.parametrize("text,expected", [
    ("Police arrested 20 opposition supporters in Nairobi on Monday.", ("COERCE", "KEN", "KEN")),
    ("CAIRO, May 3 (Reuters) - Egypt's foreign minister met his Sudanese counterpart on Sunday.", ("CONSULT", "EGY", "SDN")),
    ("Finland will give Tanzania a grant of 64 million dollars.", ("AGREE", "FIN", "TZA")),
])
def test_the_shipped_coder_finds_who_did_what_to_whom(pipeline, text, expected):
    assert expected in coded(pipeline, text)


def test_a_definite_mention_naming_no_one_is_more_evidence_of_the_event_before(pipeline):
    """"the bombing", after "suicide bombers attacked": the same attack, though the rules
    read the two words under different entries."""
    from datetime import date

    from dyads.models import Article

    text = ("Suicide bombers attacked a police station in Quetta on Monday, killing nine officers. "
            "The prime minister condemned the bombing and ordered an inquiry.")
    events = pipeline.code_one(Article(id="t", text=text, published=date(2022, 3, 23))).events
    [attack] = [e for e in events if e.event == "ASSAULT"]
    assert "bombing" in [text[ev.trigger[0]:ev.trigger[1]] for ev in attack.evidence]


def test_an_event_a_word_takes_as_given_happened(pipeline):
    """"to verify the pullout": whatever the verifying, the pullout happened."""
    from dyads.events.learned import is_taken_as_given

    assert ("RETREAT", "SYR", "LBN") in coded(pipeline, "A UN team will arrive within days to verify the Syrian pullout from Lebanon.")

    def given(verb, words_between=("the",)):
        words = ["They", verb, *words_between, "offensive"]
        heads = [1, 1] + [len(words) - 1] * len(words_between) + [1]
        deps = ["nsubj", "ROOT"] + ["det"] * len(words_between) + ["dobj"]
        doc = Doc(VOCAB, words=words, heads=heads, deps=deps, pos=["PRON", "VERB"] + ["DET"] * len(words_between) + ["NOUN"],
                  lemmas=["they", verb.rstrip("ed"), *words_between, "offensive"])
        return is_taken_as_given(doc[-1])

    assert given("halted") and given("condemned") and given("mentioned")
    frighten = Doc(VOCAB, words=["Sanctions", "do", "not", "frighten", "us"], heads=[3, 3, 3, 3, 3],
                   deps=["nsubj", "aux", "neg", "ROOT", "dobj"], pos=["NOUN", "AUX", "PART", "VERB", "PRON"],
                   lemmas=["sanction", "do", "not", "frighten", "we"])
    assert is_taken_as_given(frighten[0])
    assert not given("planned") and not given("cancelled")
    halt = Doc(VOCAB, words=["a", "halt", "to", "the", "offensive"], heads=[1, 1, 1, 4, 2],
               deps=["det", "ROOT", "prep", "det", "pobj"], pos=["DET", "NOUN", "ADP", "DET", "NOUN"],
               lemmas=["a", "halt", "to", "the", "offensive"])
    assert is_taken_as_given(halt[4])
    build = Doc(VOCAB, words=["build", "on", "the", "exchange"], heads=[0, 0, 3, 1], deps=["ROOT", "prep", "det", "pobj"],
                pos=["VERB", "ADP", "DET", "NOUN"], lemmas=["build", "on", "the", "exchange"])
    assert is_taken_as_given(build[3])


def test_a_refusal_by_negation_was_made_a_negated_rejection_was_not(pipeline):
    assert ("REJECT", "DEU", "POL") in coded(pipeline, "Germany said it will not accept the agreement with Poland in its current form.")
    assert coded(pipeline, "Germany did not reject the offer from Poland.") == set()


def test_a_threat_made_by_negating_was_made_a_negated_threat_was_not(pipeline):
    from dyads.events.learned import made_by_negating

    ctx = context(parsed(words=["Biden", "would", "not", "hesitate", "to", "strike"], heads=[3, 3, 3, 3, 5, 3],
                         deps=["nsubj", "aux", "neg", "ROOT", "aux", "xcomp"], pos=["PROPN", "AUX", "PART", "VERB", "PART", "VERB"],
                         lemmas=["Biden", "would", "not", "hesitate", "to", "strike"]))
    assert made_by_negating(ctx.doc[3], "THREATEN", ctx)  # "would not hesitate to strike" threatens
    assert not made_by_negating(ctx.doc[3], "ASSAULT", ctx)  # no other act is made by a negation
    threaten = parsed(words=["Russia", "did", "not", "threaten", "Ukraine"], heads=[3, 3, 3, 3, 3],
                      deps=["nsubj", "aux", "neg", "ROOT", "dobj"], pos=["PROPN", "AUX", "PART", "VERB", "PROPN"],
                      lemmas=["Russia", "do", "not", "threaten", "Ukraine"])
    assert not made_by_negating(threaten[3], "THREATEN", DocContext(threaten, ActorIndex(threaten, None, None), Lexicon.load(), []))
    assert ("THREATEN", "RUS", "UKR") not in coded(pipeline, "Russia did not threaten Ukraine with war.")


def test_the_reference_article_keeps_its_required_events(dyads):
    proc = dyads("eval", REPO.parent / "shared" / "seed" / "gold.jsonl", "--json")
    assert proc.returncode == 0, proc.stderr_text
    report = json.loads(proc.stdout_text)
    assert report["overall"]["type"]["recall"] == 1.0  # all 10 required events found
    assert report["overall"]["type+dyad"]["recall"] >= 0.9  # at least 9 of them with both sides right


def test_a_warning_of_what_could_happen_is_no_threat_unless_the_warner_would_do_it():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import drop_outcomes_warned_of

    france = Actor(code="FRA", sector="GOV", start=0, end=6)

    def kept(words, heads, deps, pos, lemmas, mentions=()):
        doc = parsed(words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas)
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon.load(), [])
        for i in mentions:
            ctx.index.add(ActorMention(i, i + 1, i, DocEntity("FRA", "France", "country", country="FRA"), "kb"))
        warned = Proposed(doc[1], "THREATEN", 0.6, [doc[1]], actors=[france])
        return drop_outcomes_warned_of([warned], ctx, model=None) == [warned]

    # "France warned that talks could collapse": no one's act, no THREATEN
    assert not kept(["France", "warned", "that", "talks", "could", "collapse"], [1, 1, 5, 5, 5, 1],
                    ["nsubj", "ROOT", "mark", "nsubj", "aux", "ccomp"], ["PROPN", "VERB", "SCONJ", "NOUN", "AUX", "VERB"],
                    ["France", "warn", "that", "talk", "could", "collapse"], mentions=[0])
    # "France warned that France could cut aid": its own act, a THREATEN
    assert kept(["France", "warned", "that", "France", "could", "cut", "aid"], [1, 1, 5, 5, 5, 1, 5],
                ["nsubj", "ROOT", "mark", "nsubj", "aux", "ccomp", "dobj"], ["PROPN", "VERB", "SCONJ", "PROPN", "AUX", "VERB", "NOUN"],
                ["France", "warn", "that", "France", "could", "cut", "aid"], mentions=[0, 3])
    # "France warned that France could be blamed": done to it, not by it
    assert not kept(["France", "warned", "that", "France", "could", "be", "blamed"], [1, 1, 6, 6, 6, 6, 1],
                    ["nsubj", "ROOT", "mark", "nsubjpass", "aux", "auxpass", "ccomp"],
                    ["PROPN", "VERB", "SCONJ", "PROPN", "AUX", "AUX", "VERB"],
                    ["France", "warn", "that", "France", "could", "be", "blame"], mentions=[0, 3])
    # "France warned that the barricades would go up": no mere possibility, the model's reading stands
    assert kept(["France", "warned", "that", "barricades", "would", "go", "up"], [1, 1, 5, 5, 5, 1, 5],
                ["nsubj", "ROOT", "mark", "nsubj", "aux", "ccomp", "prt"], ["PROPN", "VERB", "SCONJ", "NOUN", "AUX", "VERB", "ADP"],
                ["France", "warn", "that", "barricade", "would", "go", "up"], mentions=[0])


def test_a_bare_participle_tells_what_was_done_to_its_noun():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import read_bare_participles_as_passive

    def sides(words, heads, deps, tags, in_title=-1):
        doc = Doc(VOCAB, words=words, heads=heads, deps=deps, tags=tags)
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [], in_title=in_title)
        ctx.index.add(ActorMention(1, 3, 2, DocEntity("USA", "US soldiers", "generic", country="USA", sector="MIL"), "descriptor"))
        soldiers = ctx.index.actors(ctx.index.mention_at(doc[2]))
        event = Proposed(doc[3], "ASSAULT", 0.6, [doc[3]], actors=soldiers)
        [event] = read_bare_participles_as_passive([event], ctx, model=None)
        return [a.code for a in event.actors], [a.code for a in event.recipients]

    killed = dict(words=["Two", "US", "soldiers", "killed"], heads=[2, 2, 3, 3], deps=["nummod", "compound", "nsubj", "ROOT"],
                  tags=["CD", "NNP", "NNS", "VBD"])
    # in a headline the soldiers were killed (the participle its last word); in running text they killed
    assert sides(**killed, in_title=3) == ([], ["USA"])
    assert sides(**killed) == (["USA"], [])
    # "Two US soldiers killed in Iraq" read as a noun with a participle: they were killed, anywhere
    assert sides(["Two", "US", "soldiers", "killed", "in", "Iraq"], [2, 2, 2, 2, 3, 4],
                 ["nummod", "compound", "ROOT", "acl", "prep", "pobj"], ["CD", "NNP", "NNS", "VBN", "IN", "NNP"]) == ([], ["USA"])
    # "Two US soldiers killed a sniper": an object, an active verb
    assert sides(["Two", "US", "soldiers", "killed", "a", "sniper"], [2, 2, 3, 3, 5, 3],
                 ["nummod", "compound", "nsubj", "ROOT", "det", "dobj"], ["CD", "NNP", "NNS", "VBD", "DT", "NN"], in_title=5) == (["USA"], [])


def test_a_rejected_demand_was_made():
    from dyads.events.learned import is_presupposed

    def made(words, heads, deps, pos, tags, lemmas, trigger, etype="REQUEST"):
        doc = Doc(VOCAB, words=words, heads=heads, deps=deps, pos=pos, tags=tags, lemmas=lemmas)
        return is_presupposed(Proposed(doc[trigger], etype, 0.9, [doc[trigger]]), context(doc))

    # "Moi rejected the opposition's demands": the opposition demanded
    assert made(["Moi", "rejected", "the", "opposition", "'s", "demands"], [1, 1, 3, 5, 3, 1],
                ["nsubj", "ROOT", "det", "poss", "case", "dobj"], ["PROPN", "VERB", "DET", "NOUN", "PART", "NOUN"],
                ["NNP", "VBD", "DT", "NN", "POS", "NNS"], ["Moi", "reject", "the", "opposition", "'s", "demand"], 5)
    # "Kigali denied permission": no permission was given
    assert not made(["Kigali", "denied", "permission"], [1, 1, 1], ["nsubj", "ROOT", "dobj"], ["PROPN", "VERB", "NOUN"],
                    ["NNP", "VBD", "NN"], ["Kigali", "deny", "permission"], 2, "AGREE")
    # "The rebels made no demands": not under a negating verb, and negated itself
    assert not made(["Rebels", "made", "no", "demands"], [1, 1, 3, 1], ["nsubj", "ROOT", "det", "dobj"],
                    ["NOUN", "VERB", "DET", "NOUN"], ["NNS", "VBD", "DT", "NNS"], ["rebel", "make", "no", "demand"], 3)
    # an attack denied is no act of speech: its factuality stays the rules' and the model's
    assert not made(["Rwanda", "denied", "the", "attacks"], [1, 1, 3, 1], ["nsubj", "ROOT", "det", "dobj"],
                    ["PROPN", "VERB", "DET", "NOUN"], ["NNP", "VBD", "DT", "NNS"], ["Rwanda", "deny", "the", "attack"], 3, "ASSAULT")


def test_decoding_does_not_buy_the_rules_arguments_with_false_alarms():
    from dyads.train import choose_decoding

    def at(trigger, f1, fa, setting):
        return ({"trigger": trigger, "rule_arguments": setting, "implicit": 0.6},
                {"type+dyad": f1, "false_alarms_per_100_no_event": fa})

    # the rules' arguments are near the best only at the loosest cut-off, with many more
    # false alarms: the stricter cut-off without them is as good and invents less
    tried = [at(0.3, 0.4879, 11.1, 0.0), at(0.35, 0.4901, 10.4, 0.0), at(0.4, 0.4899, 9.6, 0.0),
             at(0.45, 0.4874, 8.5, 0.0), at(0.5, 0.4863, 7.8, 0.0), at(0.55, 0.4804, 6.8, 0.0),
             at(0.3, 0.4841, 11.3, 0.7), at(0.35, 0.4848, 10.6, 0.7), at(0.4, 0.4836, 9.8, 0.7)]
    chosen, scores = choose_decoding(tried)
    assert chosen["rule_arguments"] == 0.0 and scores["false_alarms_per_100_no_event"] < 9


def test_a_city_naming_an_event_noun_says_where_not_who():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import read_place_modifiers_as_where

    def actors(modifier, kind, code):
        # "<modifier> car bombs killed eleven people"
        doc = Doc(VOCAB, words=[modifier, "car", "bombs", "killed", "eleven", "people"], heads=[2, 2, 3, 3, 5, 3],
                  deps=["compound", "compound", "nsubj", "ROOT", "nummod", "dobj"],
                  pos=["PROPN", "NOUN", "NOUN", "VERB", "NUM", "NOUN"])
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
        ctx.index.add(ActorMention(0, 1, 0, DocEntity(code, modifier, kind, country=code), "kb"))
        side = ctx.index.actors(ctx.index.mention_at(doc[0]))
        [event] = read_place_modifiers_as_where([Proposed(doc[2], "ASSAULT", 0.9, [doc[2]], actors=side)], ctx, model=None)
        return [a.code for a in event.actors]

    assert actors("Baghdad", "metonym", "IRQ") == []  # the Baghdad car bombs: where, not who
    assert actors("US", "country", "USA") == ["USA"]  # US car bombs: the country's own


def test_a_refused_request_was_made_to_the_refuser():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import address_to_the_refuser

    # "Israel refuses requests to supply Ukraine"
    doc = Doc(VOCAB, words=["Israel", "refuses", "requests", "to", "supply", "Ukraine"], heads=[1, 1, 1, 4, 2, 4],
              deps=["nsubj", "ROOT", "dobj", "aux", "acl", "dobj"], pos=["PROPN", "VERB", "NOUN", "PART", "VERB", "PROPN"],
              tags=["NNP", "VBZ", "NNS", "TO", "VB", "NNP"], lemmas=["Israel", "refuse", "request", "to", "supply", "Ukraine"])
    ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
    ctx.index.add(ActorMention(0, 1, 0, DocEntity("ISR", "Israel", "country", country="ISR"), "kb"))
    israel = ctx.index.actors(ctx.index.mention_at(doc[0]))
    unnamed_israel = [Actor(code="ISR", sector="GOV")]
    for actors in (israel, unnamed_israel):  # the role model's pick, or the implicit model's
        event = Proposed(doc[2], "REQUEST", 0.9, [doc[2]], actors=list(actors))
        address_to_the_refuser(event, ctx)
        assert ([a.code for a in event.actors], [r.code for r in event.recipients]) == ([], ["ISR"])
    # a requester the text names stays: "the opposition's requests" are the opposition's
    opposition = [Actor(code="ISR", sector="OPP", start=40, end=50)]
    event = Proposed(doc[2], "REQUEST", 0.9, [doc[2]], actors=list(opposition))
    address_to_the_refuser(event, ctx)
    assert [a.sector for a in event.actors] == ["OPP"]


def test_the_forces_deployed_are_the_mobilising_side():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import read_mobilized_forces_as_actor

    # "Police were deployed near Albania": the police are the act's own force, not its target
    doc = Doc(VOCAB, words=["Police", "were", "deployed", "near", "Albania"], heads=[2, 2, 2, 2, 3],
              deps=["nsubjpass", "auxpass", "ROOT", "prep", "pobj"], pos=["NOUN", "AUX", "VERB", "ADP", "PROPN"])
    ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
    ctx.index.add(ActorMention(0, 1, 0, DocEntity("SRB", "Police", "generic", country="SRB", sector="COP"), "sector"))
    ctx.index.add(ActorMention(4, 5, 4, DocEntity("ALB", "Albania", "country", country="ALB"), "kb"))
    police = ctx.index.actors(ctx.index.mention_at(doc[0]))
    albania = ctx.index.actors(ctx.index.mention_at(doc[4]))

    def sides(etype, recipients):
        [event] = read_mobilized_forces_as_actor([Proposed(doc[2], etype, 0.9, [doc[2]], recipients=list(recipients))], ctx, model=None)
        return [a.code for a in event.actors], [r.code for r in event.recipients]

    assert sides("MOBILIZE", police) == (["SRB"], [])
    assert sides("MOBILIZE", albania) == ([], ["ALB"])  # the country it is aimed at stays
    assert sides("COERCE", police) == ([], ["SRB"])  # only a deployment reads so


def test_the_attacker_named_on_the_attack():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import read_attackers_named_on_the_attack

    def attacker(modifier, pos, ent_type, code, actors=()):
        # "Three Palestinians were killed in <modifier> airstrikes"
        doc = Doc(VOCAB, words=["Three", "Palestinians", "were", "killed", "in", modifier, "airstrikes"],
                  heads=[1, 3, 3, 3, 3, 6, 4], deps=["nummod", "nsubjpass", "auxpass", "ROOT", "prep", "amod", "pobj"],
                  pos=["NUM", "PROPN", "AUX", "VERB", "ADP", pos, "NOUN"],
                  ents=["O", "B-NORP", "O", "O", "O", f"B-{ent_type}" if ent_type else "O", "O"])
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
        ctx.index.add(ActorMention(5, 6, 5, DocEntity(code, modifier, "country", country=code), "descriptor"))
        event = Proposed(doc[3], "ASSAULT", 0.9, [doc[3]], actors=list(actors))
        [event] = read_attackers_named_on_the_attack([event], ctx, model=None)
        return [a.code for a in event.actors]

    assert attacker("Israeli", "ADJ", "NORP", "ISR") == ["ISR"]
    assert attacker("Iraq", "PROPN", "GPE", "IRQ") == []  # "Iraq airstrikes": where, not who
    assert attacker("Israeli", "ADJ", "NORP", "ISR", actors=[Actor(code="USA")]) == ["USA"]  # a named attacker stays

    # "Strikes by the coalition killed civilians": the attack's own agent
    doc = Doc(VOCAB, words=["Strikes", "by", "the", "coalition", "killed", "civilians"], heads=[4, 0, 3, 1, 4, 4],
              deps=["nsubj", "prep", "det", "pobj", "ROOT", "dobj"], pos=["NOUN", "ADP", "DET", "NOUN", "VERB", "NOUN"])
    ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
    ctx.index.add(ActorMention(2, 4, 3, DocEntity("USA", "coalition", "generic", country="USA"), "descriptor"))
    [event] = read_attackers_named_on_the_attack([Proposed(doc[4], "ASSAULT", 0.9, [doc[4]])], ctx, model=None)
    assert [a.code for a in event.actors] == ["USA"]


def test_crime_without_a_political_or_state_actor_is_no_event():
    from dyads.actors.kb import KnowledgeBase
    from dyads.actors.resolve import ActorMention, DocEntity
    from dyads.events.learned import drop_private_crime

    def kept(attacker, victim_sector):
        # "<attacker> stabbed two <victims>"
        doc = Doc(VOCAB, words=[attacker, "stabbed", "two", "victims"], heads=[1, 1, 3, 1], deps=["nsubj", "ROOT", "nummod", "dobj"],
                  pos=["NOUN", "VERB", "NUM", "NOUN"], lemmas=[attacker.lower().rstrip("s"), "stab", "two", "victim"])
        doc.user_data["dyads.text"] = doc.text
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [])
        ctx.index.add(ActorMention(0, 1, 0, DocEntity("CHN", attacker, "generic", country="CHN", sector="UAF"), "sector"))
        side = ctx.index.actors(ctx.index.mention_at(doc[0]))
        victims = [Actor(code="CHN", sector=victim_sector)]
        return bool(drop_private_crime([Proposed(doc[1], "ASSAULT", 0.9, [doc[1]], actors=side, recipients=victims)], ctx, model=None))

    assert not kept("Man", "CVL")  # a man stabbing people: a crime, no political event
    assert kept("Gunmen", "CVL")  # gunmen, mobs and gangs stay
    assert kept("Man", "COP")  # an attack on the police is one


def test_a_deployment_at_home_has_no_recipient():
    """"Security was beefed up in Delhi" by India's own forces: Delhi says where. "Russia
    massed troops near Ukraine": the side it is aimed at stays."""
    from dyads.actors.kb import KnowledgeBase
    from dyads.events.learned import drop_deployments_at_home

    def recipients(place, code, actor_code, main=None):
        # "Troops were deployed in <place>" (the parser reads the place as an adjective of "in")
        doc = Doc(VOCAB, words=["Troops", "were", "deployed", "in", place], heads=[2, 2, 2, 2, 3],
                  deps=["nsubjpass", "auxpass", "ROOT", "prep", "amod"], pos=["NOUN", "AUX", "VERB", "ADP", "PROPN"])
        start = doc.text.index(place)
        ctx = DocContext(doc, ActorIndex(doc, KnowledgeBase.load(), None), Lexicon(), [], main_country=main)
        actors = [Actor(code=actor_code, sector="MIL")] if actor_code else []
        event = Proposed(doc[2], "MOBILIZE", 0.9, [doc[2]], actors=actors,
                         recipients=[Actor(code=code, start=start, end=start + len(place))])
        [event] = drop_deployments_at_home([event], ctx, model=None)
        return [r.code for r in event.recipients]

    assert recipients("Delhi", "IND", "IND") == []
    assert recipients("Delhi", "IND", None, main=("IND", 0)) == []  # the story's own forces
    assert recipients("Ukraine", "UKR", "RUS") == ["UKR"]  # aimed at another country


def test_declining_to_say_is_no_rejection():
    """"He refused to elaborate", "police refused to give details": no REJECT; "refused to give
    the rebels concessions" is one."""
    from dyads.events.learned import drop_refusals_to_say

    def kept(said, obj):
        doc = Doc(VOCAB, words=["He", "refused", "to", said, obj], heads=[1, 1, 3, 1, 3],
                  deps=["nsubj", "ROOT", "aux", "xcomp", "dobj"], pos=["PRON", "VERB", "PART", "VERB", "NOUN"],
                  lemmas=["he", "refuse", "to", said, obj.rstrip("s")])
        ctx = DocContext(doc, ActorIndex(doc, None, None), Lexicon(), [])
        return [e.type for e in drop_refusals_to_say([Proposed(doc[1], "REJECT", 0.9, [doc[1]])], ctx, model=None)]

    assert kept("elaborate", "further") == []
    assert kept("give", "details") == []
    assert kept("give", "concessions") == ["REJECT"]
    assert kept("allow", "inspectors") == ["REJECT"]


def test_both_sides_are_the_two_the_story_named_not_the_one_speaking_to_them(pipeline):
    # The subject of "telephoned both governments" is not one of the two governments.
    assert coded(pipeline, "Morocco and Spain traded accusations over the islet. U.S. Secretary of State Antony "
                           "Blinken telephoned both governments on Wednesday.") >= {
        ("CONSULT", "USA", "MAR"), ("CONSULT", "USA", "ESP")}
    assert not any(r == "USA" for _, _, r in coded(pipeline, "Morocco and Spain traded accusations over the islet. "
                                                             "U.S. Secretary of State Antony Blinken telephoned both governments on Wednesday."))
    # "the two sides" as the subject of a meeting are each other's others: Guyana and
    # Venezuela agree to meet, neither is dropped as the other's own self.
    events = coded(pipeline, "The presidents of Guyana and Venezuela met on Thursday. A joint declaration said the two "
                             "sides would meet again in Brazil within three months.")
    assert {e for e in events if e[0] == "AGREE"} & {("AGREE", "GUY", "VEN"), ("AGREE", "VEN", "GUY")}


def test_the_members_of_one_mention_are_not_one_side():
    from dyads.events.learned import Proposed, _no_self_dyad

    guyana = Actor(code="GUY", sector="GOV", start=80, end=93)
    venezuela = Actor(code="VEN", sector="GOV", start=80, end=93)  # "the two sides": one span, two members
    event = Proposed(trigger=None, actors=[venezuela], recipients=[guyana, Actor(code="VEN", sector="GOV", start=80, end=93)])
    _no_self_dyad(event)
    assert event.recipients == [guyana]


def test_the_noun_a_passive_relative_clause_hangs_on_is_the_one_it_was_done_to(pipeline, rules_pipeline):
    text = "A Briton who was shot dead outside a shopping centre in Riyadh has been identified by the police."
    assert {e for e in coded(pipeline, text) if e[0] == "ASSAULT"} == {("ASSAULT", None, "GBR")}
    # the rules alone, whose reading the learned coder takes over, make the Briton no shooter either
    assert not any(actor == "GBR" for _, actor, _ in coded(rules_pipeline, text))
    # an active relative clause's noun is its actor still
    assert ("ASSAULT", "COD", "RWA") in coded(pipeline, "Congolese soldiers who attacked Rwandan troops on Monday withdrew.")


def test_a_trial_is_coercion_of_the_one_tried(pipeline):
    # the corpus codes trials COERCE; the lexicon's entry (coerce.trial) gives the model the rules' reading
    events = coded(pipeline, "Judges in the corruption trial of Silvio Berlusconi withdrew yesterday to decide their verdict.")
    assert ("COERCE", None, "ITA") in events
