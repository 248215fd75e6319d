-- A blur finding has two measures, the re-blur loss and the crispness of the strongest edges, and
-- either may be what fired. A mark kept only the first, so a camera marked for soft edges was
-- tolerated while its re-blur loss held, however much softer its edges grew. A blur mark now
-- keeps both (src/quality/false-alarms.ts). NULL: another kind, or a blur mark made before, which
-- is judged by the re-blur loss alone, as when it was made.
ALTER TABLE quality_false_alarms ADD COLUMN crispness REAL;
