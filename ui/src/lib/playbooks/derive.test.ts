import { describe, expect, it } from 'vitest';
import { dueText, groupTasks, ownerText, progress } from './derive';
import { task } from '../../test/tasks';

describe('playbook helpers', () => {
  it('says when a task is due from today', () => {
    const today = '2026-11-24';
    expect(dueText(task({ due_on: '2026-11-20' }), today)).toBe('4 days overdue');
    expect(dueText(task({ due_on: '2026-11-23' }), today)).toBe('1 day overdue');
    expect(dueText(task({ due_on: today }), today)).toBe('due today');
    expect(dueText(task({ due_on: '2026-11-25' }), today)).toBe('due tomorrow');
    expect(dueText(task({ due_on: '2026-12-09' }), today)).toBe('due 9 Dec 2026');
    expect(dueText(task({ due_on: null }), today)).toBe('no due date');
    expect(dueText(task({ due_on: '2026-11-20', status: 'done' }), today)).toBe('was due 20 Nov 2026');
  });

  it('names the person and team, or the team’s queue', () => {
    expect(ownerText({ team: 'cs', owner: 'Dana Reyes' })).toBe('Dana Reyes · Customer success');
    expect(ownerText({ team: 'executive', owner: '' })).toBe('Executive sponsor queue');
  });

  it('groups open tasks overdue first and closed ones last, for one team or all', () => {
    const ts = [
      task({ id: 1, bucket: 'later' }),
      task({ id: 2, bucket: 'overdue', team: 'sales' }),
      task({ id: 3, status: 'done' }),
      task({ id: 4, bucket: 'today' }),
      task({ id: 5, bucket: 'overdue' }),
    ];
    const all = groupTasks(ts, '').map((g) => [g.bucket, g.tasks.map((t) => t.id)]);
    expect(all).toEqual([
      ['overdue', [2, 5]],
      ['today', [4]],
      ['later', [1]],
      ['closed', [3]],
    ]);
    expect(groupTasks(ts, 'sales').map((g) => [g.bucket, g.tasks.map((t) => t.id)])).toEqual([['overdue', [2]]]);
  });

  it('counts a run’s closed steps, skipped ones included', () => {
    expect(progress({ tasks: [task({ status: 'done' }), task({ status: 'cancelled' }), task({})] })).toEqual({ closed: 2, steps: 3 });
  });
});
