-- The opportunities generation's triggers (SQLite).
CREATE TRIGGER opportunities_generation_insert AFTER INSERT ON opportunities
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'opportunities'; END;
CREATE TRIGGER opportunities_generation_update AFTER UPDATE ON opportunities
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'opportunities'; END;
CREATE TRIGGER opportunities_generation_delete AFTER DELETE ON opportunities
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'opportunities'; END;
CREATE TRIGGER opportunity_skills_generation_insert AFTER INSERT ON opportunity_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'opportunities'; END;
CREATE TRIGGER opportunity_skills_generation_delete AFTER DELETE ON opportunity_skills
BEGIN UPDATE generations SET value = value + 1 WHERE name = 'opportunities'; END;
