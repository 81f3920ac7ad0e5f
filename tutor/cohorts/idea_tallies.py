"""How many of a cohort's members have chosen each wrong idea, and how many still hold it (`IdeaHolderTally`), kept
by the database itself.

The item analysis names the members behind each misconception and says how many there are. Counting them on every
view meant reading every member's row for each idea shown: some 60,000 rows for a 500-learner cohort. Triggers keep
the counts instead, the way `tutor.progress.answer_tallies` keeps each learner's answers per module:

- a learner's idea row (`LearnerMisconception`) counts in each of their cohorts when it is written and out when it
  is deleted, and moves "holding" when the idea becomes active again (chosen once more) or stops being active (a
  right answer since);
- a membership adds the learner's ideas to the cohort when it is made and takes them away when it is deleted.

So whatever writes these rows (an answer, `seed_demo`, a join, an account or cohort deletion) keeps the counts
without knowing of them. The same triggers are written for PostgreSQL (PL/pgSQL functions) and for SQLite; the tests
run on both. `recount_idea_tallies` counts again from the rows (`manage.py rebuild_item_tallies` calls it).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from tutor.triggers import Triggers, replace_tally_rows

TALLY = "cohorts_ideaholdertally"
IDEAS = "study_learnermisconception"
MEMBERS = "cohorts_membership"
USERS = "accounts_user"

# On PostgreSQL a join and an idea written for the same learner at the same moment must not miss each other: each
# trigger would read the other's row before it commits, and neither would count the idea in the new cohort. Both
# triggers therefore first take a lock on the learner (held to the end of the transaction), and read afterwards, in a
# statement of its own that sees what the other committed meanwhile. Learners never wait for each other; two ids that
# share a lock key only ever wait, never miscount. (SQLite runs one writing transaction at a time.)
LEARNER_LOCK = 4170  # the advisory locks' namespace for these tallies
_LOCK_LEARNER = f"""
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_advisory_xact_lock({LEARNER_LOCK}, mod(OLD.learner_id, 2147483647)::integer);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM pg_advisory_xact_lock({LEARNER_LOCK}, mod(NEW.learner_id, 2147483647)::integer);
    END IF;"""

POSTGRESQL_INSTALL = f"""
CREATE OR REPLACE FUNCTION cohorts_tally_idea() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{_LOCK_LEARNER}
    IF TG_OP = 'UPDATE' AND OLD.learner_id = NEW.learner_id AND OLD.slug = NEW.slug THEN
        UPDATE {TALLY} AS t
           SET holding = t.holding + (CASE WHEN NEW.right_since = 0 THEN 1 ELSE 0 END)
                                   - (CASE WHEN OLD.right_since = 0 THEN 1 ELSE 0 END)
          FROM {MEMBERS} AS m
         WHERE m.learner_id = NEW.learner_id AND t.cohort_id = m.cohort_id AND t.slug = NEW.slug;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE {TALLY} AS t
           SET holders = t.holders - 1,
               holding = t.holding - (CASE WHEN OLD.right_since = 0 THEN 1 ELSE 0 END)
          FROM {MEMBERS} AS m
         WHERE m.learner_id = OLD.learner_id AND t.cohort_id = m.cohort_id AND t.slug = OLD.slug;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO {TALLY} (cohort_id, slug, holders, holding)
        SELECT m.cohort_id, NEW.slug, 1, CASE WHEN NEW.right_since = 0 THEN 1 ELSE 0 END
          FROM {MEMBERS} AS m
         WHERE m.learner_id = NEW.learner_id
        ON CONFLICT (cohort_id, slug) DO UPDATE
           SET holders = {TALLY}.holders + 1, holding = {TALLY}.holding + EXCLUDED.holding;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cohorts_tally_idea_added_or_removed
    AFTER INSERT OR DELETE ON {IDEAS}
    FOR EACH ROW EXECUTE FUNCTION cohorts_tally_idea();
CREATE TRIGGER cohorts_tally_idea_changed
    AFTER UPDATE OF right_since, learner_id, slug ON {IDEAS}
    FOR EACH ROW
    WHEN ((OLD.right_since = 0) <> (NEW.right_since = 0) OR OLD.learner_id <> NEW.learner_id OR OLD.slug <> NEW.slug)
    EXECUTE FUNCTION cohorts_tally_idea();

CREATE OR REPLACE FUNCTION cohorts_tally_member_ideas() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN{_LOCK_LEARNER}
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE {TALLY} AS t
           SET holders = t.holders - 1,
               holding = t.holding - (CASE WHEN i.right_since = 0 THEN 1 ELSE 0 END)
          FROM {IDEAS} AS i
         WHERE i.learner_id = OLD.learner_id AND t.cohort_id = OLD.cohort_id AND t.slug = i.slug;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO {TALLY} (cohort_id, slug, holders, holding)
        SELECT NEW.cohort_id, i.slug, 1, CASE WHEN i.right_since = 0 THEN 1 ELSE 0 END
          FROM {IDEAS} AS i
         WHERE i.learner_id = NEW.learner_id
        ON CONFLICT (cohort_id, slug) DO UPDATE
           SET holders = {TALLY}.holders + 1, holding = {TALLY}.holding + EXCLUDED.holding;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cohorts_tally_member_joined_or_left
    AFTER INSERT OR DELETE ON {MEMBERS}
    FOR EACH ROW EXECUTE FUNCTION cohorts_tally_member_ideas();
CREATE TRIGGER cohorts_tally_member_moved
    AFTER UPDATE OF cohort_id, learner_id ON {MEMBERS}
    FOR EACH ROW
    WHEN (OLD.cohort_id <> NEW.cohort_id OR OLD.learner_id <> NEW.learner_id)
    EXECUTE FUNCTION cohorts_tally_member_ideas();
"""

POSTGRESQL_REMOVE = f"""
DROP TRIGGER IF EXISTS cohorts_tally_idea_added_or_removed ON {IDEAS};
DROP TRIGGER IF EXISTS cohorts_tally_idea_changed ON {IDEAS};
DROP FUNCTION IF EXISTS cohorts_tally_idea();
DROP TRIGGER IF EXISTS cohorts_tally_member_joined_or_left ON {MEMBERS};
DROP TRIGGER IF EXISTS cohorts_tally_member_moved ON {MEMBERS};
DROP FUNCTION IF EXISTS cohorts_tally_member_ideas();
"""

# SQLite: the same counts; its triggers take one statement list each and no function. (`WHERE true` before ON
# CONFLICT keeps SQLite's parser from reading the upsert as a join.)
_SQLITE_IDEA_IN = f"""
    INSERT INTO {TALLY} (cohort_id, slug, holders, holding)
    SELECT m.cohort_id, NEW.slug, 1, CASE WHEN NEW.right_since = 0 THEN 1 ELSE 0 END
      FROM {MEMBERS} AS m
     WHERE m.learner_id = NEW.learner_id
    ON CONFLICT (cohort_id, slug) DO UPDATE
       SET holders = holders + 1, holding = holding + excluded.holding;"""
_SQLITE_IDEA_OUT = f"""
    UPDATE {TALLY}
       SET holders = holders - 1, holding = holding - (CASE WHEN OLD.right_since = 0 THEN 1 ELSE 0 END)
     WHERE slug = OLD.slug AND cohort_id IN (SELECT cohort_id FROM {MEMBERS} WHERE learner_id = OLD.learner_id);"""
_SQLITE_MEMBER_IN = f"""
    INSERT INTO {TALLY} (cohort_id, slug, holders, holding)
    SELECT NEW.cohort_id, i.slug, 1, CASE WHEN i.right_since = 0 THEN 1 ELSE 0 END
      FROM {IDEAS} AS i
     WHERE i.learner_id = NEW.learner_id
    ON CONFLICT (cohort_id, slug) DO UPDATE
       SET holders = holders + 1, holding = holding + excluded.holding;"""
_SQLITE_MEMBER_OUT = f"""
    UPDATE {TALLY}
       SET holders = holders - 1,
           holding = holding - (SELECT COUNT(*) FROM {IDEAS} AS i
                                 WHERE i.learner_id = OLD.learner_id AND i.slug = {TALLY}.slug AND i.right_since = 0)
     WHERE cohort_id = OLD.cohort_id
       AND slug IN (SELECT slug FROM {IDEAS} WHERE learner_id = OLD.learner_id);"""
SQLITE_INSTALL = [
    f"CREATE TRIGGER cohorts_tally_idea_added AFTER INSERT ON {IDEAS} BEGIN {_SQLITE_IDEA_IN} END",
    f"CREATE TRIGGER cohorts_tally_idea_removed AFTER DELETE ON {IDEAS} BEGIN {_SQLITE_IDEA_OUT} END",
    f"""CREATE TRIGGER cohorts_tally_idea_changed AFTER UPDATE OF right_since, learner_id, slug ON {IDEAS}
        WHEN (OLD.right_since = 0) <> (NEW.right_since = 0)
          OR OLD.learner_id != NEW.learner_id OR OLD.slug != NEW.slug
        BEGIN {_SQLITE_IDEA_OUT} {_SQLITE_IDEA_IN} END""",
    f"CREATE TRIGGER cohorts_tally_member_joined AFTER INSERT ON {MEMBERS} BEGIN {_SQLITE_MEMBER_IN} END",
    f"CREATE TRIGGER cohorts_tally_member_left AFTER DELETE ON {MEMBERS} BEGIN {_SQLITE_MEMBER_OUT} END",
    f"""CREATE TRIGGER cohorts_tally_member_moved AFTER UPDATE OF cohort_id, learner_id ON {MEMBERS}
        WHEN OLD.cohort_id != NEW.cohort_id OR OLD.learner_id != NEW.learner_id
        BEGIN {_SQLITE_MEMBER_OUT} {_SQLITE_MEMBER_IN} END""",
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "cohorts_tally_idea_added",
        "cohorts_tally_idea_removed",
        "cohorts_tally_idea_changed",
        "cohorts_tally_member_joined",
        "cohorts_tally_member_left",
        "cohorts_tally_member_moved",
    )
]


TRIGGERS = Triggers("Idea tallies", POSTGRESQL_INSTALL, POSTGRESQL_REMOVE, SQLITE_INSTALL, SQLITE_REMOVE)
install_idea_triggers = TRIGGERS.install
remove_idea_triggers = TRIGGERS.remove


def idea_holders_counted(*, cohort_ids: Iterable[int] | None = None, idea_model=None) -> list[tuple]:
    """(cohort id, slug, members who have chosen it, members who still hold it), counted from the members' ideas
    themselves: what the tallies hold."""
    if idea_model is None:
        from tutor.study.models import LearnerMisconception

        idea_model = LearnerMisconception
    # One filter, so that the membership it joins is the one grouped by (a second filter would join it again).
    members = {"learner__cohort_memberships__cohort_id__isnull": False}
    if cohort_ids is not None:
        members = {"learner__cohort_memberships__cohort_id__in": list(cohort_ids)}
    return list(
        idea_model.objects.filter(**members)
        .values_list("learner__cohort_memberships__cohort_id", "slug")
        .annotate(holders=Count("id"), holding=Count("id", filter=Q(right_since=0)))
        .order_by()
    )


def recount_idea_tallies(*, cohort_ids: Iterable[int] | None = None, idea_model=None, tally_model=None) -> int:
    """Count the tallies again from the rows: of the given cohorts (all when None). Returns the rows written.

    On PostgreSQL the tallies are locked against writes first, so an idea recorded meanwhile waits and is then
    counted once, on top of the recount. A migration passes its historical models."""
    if tally_model is None:
        from tutor.cohorts.models import IdeaHolderTally

        tally_model = IdeaHolderTally
    cohorts = None if cohort_ids is None else list(cohort_ids)
    tallies = tally_model.objects.all() if cohorts is None else tally_model.objects.filter(cohort_id__in=cohorts)
    return replace_tally_rows(
        table=TALLY,
        stale=tallies,
        fresh=lambda: [
            tally_model(cohort_id=cohort_id, slug=slug, holders=holders, holding=holding)
            for cohort_id, slug, holders, holding in idea_holders_counted(cohort_ids=cohorts, idea_model=idea_model)
        ],
    )
