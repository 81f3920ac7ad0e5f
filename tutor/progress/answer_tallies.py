"""Answer tallies per learner and module (`ModuleAnswerTally`), kept by the database itself.

Triggers on `study_card` count a card in when it is written, out when it is deleted, and move "right" when the latest
answer changes from wrong to right or back. Whatever writes cards (an answer, `seed_demo`'s COPY, an account
deletion) keeps the tallies without knowing of them, and an answer pays no statement of its own for them. The same
triggers are written for PostgreSQL (a PL/pgSQL function) and for SQLite, so both databases count alike; the tests
run on both.

A question that moves to another module changes no card: the content load recounts the modules concerned with
`recount_answer_tallies`, which also mends any drift (`manage.py recount_answer_tallies`).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from tutor.triggers import Triggers, replace_tally_rows

TALLY = "progress_moduleanswertally"

POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION progress_tally_card() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.learner_id = NEW.learner_id AND OLD.question_id = NEW.question_id THEN
        UPDATE {TALLY} AS t
           SET right_latest = t.right_latest
                              + (CASE WHEN NEW.last_answer_correct THEN 1 ELSE 0 END)
                              - (CASE WHEN OLD.last_answer_correct THEN 1 ELSE 0 END)
          FROM catalog_question AS q
         WHERE q.id = NEW.question_id AND t.learner_id = NEW.learner_id AND t.module_id = q.module_id;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE {TALLY} AS t
           SET answered = t.answered - 1,
               right_latest = t.right_latest - (CASE WHEN OLD.last_answer_correct THEN 1 ELSE 0 END)
          FROM catalog_question AS q
         WHERE q.id = OLD.question_id AND t.learner_id = OLD.learner_id AND t.module_id = q.module_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO {TALLY} (learner_id, module_id, answered, right_latest)
        SELECT NEW.learner_id, q.module_id, 1, CASE WHEN NEW.last_answer_correct THEN 1 ELSE 0 END
          FROM catalog_question AS q
         WHERE q.id = NEW.question_id
        ON CONFLICT (learner_id, module_id) DO UPDATE
           SET answered = {TALLY}.answered + 1,
               right_latest = {TALLY}.right_latest + EXCLUDED.right_latest;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER progress_tally_card_added_or_removed
    AFTER INSERT OR DELETE ON study_card
    FOR EACH ROW EXECUTE FUNCTION progress_tally_card();
CREATE TRIGGER progress_tally_card_changed
    AFTER UPDATE OF last_answer_correct, learner_id, question_id ON study_card
    FOR EACH ROW
    WHEN (OLD.last_answer_correct IS DISTINCT FROM NEW.last_answer_correct
          OR OLD.learner_id <> NEW.learner_id OR OLD.question_id <> NEW.question_id)
    EXECUTE FUNCTION progress_tally_card();
"""

POSTGRESQL_REMOVE = """
DROP TRIGGER IF EXISTS progress_tally_card_added_or_removed ON study_card;
DROP TRIGGER IF EXISTS progress_tally_card_changed ON study_card;
DROP FUNCTION IF EXISTS progress_tally_card();
"""

# SQLite: the same counts; its triggers take one statement list each and no function.
_SQLITE_COUNT_IN = f"""
    INSERT INTO {TALLY} (learner_id, module_id, answered, right_latest)
    SELECT NEW.learner_id, q.module_id, 1, CASE WHEN NEW.last_answer_correct THEN 1 ELSE 0 END
      FROM catalog_question AS q
     WHERE q.id = NEW.question_id
    ON CONFLICT (learner_id, module_id) DO UPDATE
       SET answered = answered + 1, right_latest = right_latest + excluded.right_latest;"""
_SQLITE_COUNT_OUT = f"""
    UPDATE {TALLY}
       SET answered = answered - 1,
           right_latest = right_latest - (CASE WHEN OLD.last_answer_correct THEN 1 ELSE 0 END)
     WHERE learner_id = OLD.learner_id
       AND module_id = (SELECT module_id FROM catalog_question WHERE id = OLD.question_id);"""
SQLITE_INSTALL = [
    f"CREATE TRIGGER progress_tally_card_added AFTER INSERT ON study_card BEGIN {_SQLITE_COUNT_IN} END",
    f"CREATE TRIGGER progress_tally_card_removed AFTER DELETE ON study_card BEGIN {_SQLITE_COUNT_OUT} END",
    f"""CREATE TRIGGER progress_tally_card_changed AFTER UPDATE OF last_answer_correct, learner_id, question_id
        ON study_card
        WHEN OLD.last_answer_correct IS NOT NEW.last_answer_correct
          OR OLD.learner_id != NEW.learner_id OR OLD.question_id != NEW.question_id
        BEGIN {_SQLITE_COUNT_OUT} {_SQLITE_COUNT_IN} END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS progress_tally_card_added",
    "DROP TRIGGER IF EXISTS progress_tally_card_removed",
    "DROP TRIGGER IF EXISTS progress_tally_card_changed",
]


TRIGGERS = Triggers("Answer tallies", POSTGRESQL_INSTALL, POSTGRESQL_REMOVE, SQLITE_INSTALL, SQLITE_REMOVE)
install_tally_triggers = TRIGGERS.install
remove_tally_triggers = TRIGGERS.remove


def answers_by_learner_and_module(cards: QuerySet) -> QuerySet:
    """(learner id, module id, cards answered, cards whose latest answer was right) over these cards, grouped: what
    a tally holds, counted from the cards themselves."""
    return (
        cards.values_list("learner_id", "question__module_id")
        .annotate(answered=Count("id"), right=Count("id", filter=Q(last_answer_correct=True)))
        .order_by()
    )


def recount_answer_tallies(*, module_ids: Iterable[int] | None = None, card_model=None, tally_model=None) -> int:
    """Count the tallies again from the cards: of the given modules (all when None). Returns the rows written.

    On PostgreSQL the tallies are locked against writes first, so an answer recorded meanwhile waits and is then
    counted once, on top of the recount. The models may be given (a migration passes its historical ones).
    """
    if card_model is None or tally_model is None:
        from tutor.progress.models import ModuleAnswerTally
        from tutor.study.models import Card

        card_model, tally_model = card_model or Card, tally_model or ModuleAnswerTally
    modules = None if module_ids is None else list(module_ids)
    tallies, cards = tally_model.objects.all(), card_model.objects.all()
    if modules is not None:
        tallies = tallies.filter(module_id__in=modules)
        cards = cards.filter(question__module_id__in=modules)
    return replace_tally_rows(
        table=TALLY,
        stale=tallies,
        fresh=lambda: [
            tally_model(learner_id=learner_id, module_id=module_id, answered=answered, right_latest=right)
            for learner_id, module_id, answered, right in answers_by_learner_and_module(cards)
        ],
    )
