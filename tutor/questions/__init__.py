"""Question types: one module per type, and the registry the rest of the app asks.

A type module defines one QuestionTypeSpec subclass that says, for its type, how questions.yaml is read and
checked, which form fields an answer has and what answer they make, how an answer is marked, how item analysis
counts the answers, how an answer reads in an export, how the demo simulator answers, how the type is written to
Moodle XML, QTI, GIFT and Anki, and which template holds its `form` and `feedback` partials.

  base        QuestionTypeSpec (defaults shared by the types), Marking, PartResult, OptionShare
  registry    question_type(name), all_types(), type_choices(); the built-in types are imported on first use
  single multiple true_false matching ordering numeric   the six types

The package sits beside the apps: it imports only the catalog (the content dataclasses, the in-memory snapshot's
views, rendering) and Django forms, so the catalog, study, cohorts, progress and interop can all ask it.
"""
