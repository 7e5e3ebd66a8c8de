-- 0018: Qualtrics preview, test and spam rows were quarantined before their customer id was replaced by its keyed
-- hash (fixed with 0017's change), so their raw records hold customer ids in clear. They are removed here: they are
-- not answers (a preview, a test, spam), and the next import of an export that still holds them quarantines them
-- again, the customer id hashed as in every other row. The reason of such a row starts with 'Qualtrics Status'
-- (pipeline/surveys/importer.py).
DELETE FROM quarantine WHERE starts_with(reason, 'Qualtrics Status ');
