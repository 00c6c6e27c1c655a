import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sampleStd, sampleStdSql } from './sample-statistics.ts';

describe('sampleStd and its SQL twin', () => {
  // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32 / 7 (the textbook example, n − 1).
  const values = [2, 4, 4, 4, 5, 5, 7, 9];

  it('gives the sample standard deviation, null below two values', () => {
    const sum = values.reduce((a, b) => a + b, 0);
    const sumOfSquares = values.reduce((a, b) => a + b * b, 0);
    expect(sampleStd(values.length, sum, sumOfSquares)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(sampleStd(1, 3, 9)).toBeNull();
  });

  it('computes the same in SQLite', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x REAL)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (const x of values) insert.run(x);
    expect(db.prepare(`SELECT ${sampleStdSql('x')} AS std FROM t`).pluck().get()).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(db.prepare(`SELECT ${sampleStdSql('x')} AS std FROM t WHERE x = 9`).pluck().get()).toBeNull();
    db.close();
  });
});
