-- A counter that moves on with every committed change to what catalog pages show (courses, their
-- competencies, markets and instructors). An instance keeps the pages it built under the
-- generation it read before building them, and serves one again only while the counter still has
-- that value, so it never serves a page older than the database (`state::CatalogCache`).
CREATE TABLE catalog_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO catalog_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER courses_insert_catalog_generation AFTER INSERT ON courses
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER courses_update_catalog_generation AFTER UPDATE ON courses
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER courses_delete_catalog_generation AFTER DELETE ON courses
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_competencies_insert_catalog_generation AFTER INSERT ON course_competencies
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_competencies_update_catalog_generation AFTER UPDATE ON course_competencies
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_competencies_delete_catalog_generation AFTER DELETE ON course_competencies
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_markets_insert_catalog_generation AFTER INSERT ON course_markets
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_markets_update_catalog_generation AFTER UPDATE ON course_markets
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_markets_delete_catalog_generation AFTER DELETE ON course_markets
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_instructors_insert_catalog_generation AFTER INSERT ON course_instructors
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_instructors_update_catalog_generation AFTER UPDATE ON course_instructors
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER course_instructors_delete_catalog_generation AFTER DELETE ON course_instructors
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
END;
