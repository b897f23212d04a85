-- A counter that moves on with every committed change to what catalog pages show (courses, their
-- competencies, markets and instructors). An instance keeps the pages it built under the
-- generation it read before building them, and serves one again only while the counter still has
-- that value, so no instance ever serves a page older than the database (`state::CatalogCache`).
CREATE TABLE catalog_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO catalog_generation (id, generation) VALUES (1, 0);

CREATE FUNCTION bump_catalog_generation() RETURNS trigger AS $$
BEGIN
    UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

-- Deferred to commit: the counter's row lock is the last lock a writing transaction takes and is
-- held only while it commits, so writers never wait on it holding other locks (no deadlock).
CREATE CONSTRAINT TRIGGER courses_catalog_generation AFTER INSERT OR UPDATE OR DELETE ON courses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_generation();
CREATE CONSTRAINT TRIGGER course_competencies_catalog_generation AFTER INSERT OR UPDATE OR DELETE ON course_competencies
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_generation();
CREATE CONSTRAINT TRIGGER course_markets_catalog_generation AFTER INSERT OR UPDATE OR DELETE ON course_markets
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_generation();
CREATE CONSTRAINT TRIGGER course_instructors_catalog_generation AFTER INSERT OR UPDATE OR DELETE ON course_instructors
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_catalog_generation();
