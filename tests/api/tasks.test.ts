import { expect } from 'chai';
import { bpmn, deploy, startTestService, type Api, type TestService } from '../helpers/service.ts';

const HOUR = 3600_000;

/**
 * A parallel gateway into three user tasks:
 * - triage: candidate group cm-ki, due base + 2 days, priority 80
 * - review: candidate groups abh and jobcenter plus candidate user carla, due base + 10 days, priority 20
 * - followup: assigned to the `owner` variable, no due date, priority 50
 */
const casework = bpmn(
  'casework',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
   <bpmn:parallelGateway id="fork"/>
   <bpmn:sequenceFlow id="f1" sourceRef="fork" targetRef="triage"/>
   <bpmn:sequenceFlow id="f2" sourceRef="fork" targetRef="review"/>
   <bpmn:sequenceFlow id="f3" sourceRef="fork" targetRef="followup"/>
   <bpmn:userTask id="triage" name="Erstberatung" camunda:candidateGroups="cm-ki" camunda:dueDate="=date and time(base) + duration(&quot;P2D&quot;)" camunda:priority="80"/>
   <bpmn:userTask id="review" name="Prüfung" camunda:candidateGroups="abh, jobcenter" camunda:candidateUsers="carla" camunda:dueDate="=date and time(base) + duration(&quot;P10D&quot;)" camunda:priority="20"/>
   <bpmn:userTask id="followup" name="Nachfassen" camunda:assignee="=owner" camunda:priority="50"/>
   <bpmn:sequenceFlow id="f4" sourceRef="triage" targetRef="join"/>
   <bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="join"/>
   <bpmn:sequenceFlow id="f6" sourceRef="followup" targetRef="join"/>
   <bpmn:parallelGateway id="join"/>
   <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

const other = bpmn(
  'other',
  `<bpmn:startEvent id="start"/>
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="triage"/>
   <bpmn:userTask id="triage" name="Andere Erstberatung" camunda:candidateGroups="cm-ki"/>
   <bpmn:sequenceFlow id="f2" sourceRef="triage" targetRef="end"/>
   <bpmn:endEvent id="end"/>`,
);

/** Users and their groups; every password is `${id}-Passwort-1`. */
const USERS: Record<string, string[]> = {
  kira: ['cm-ki'],
  kai: ['cm-ki'],
  anton: ['abh'],
  jana: ['jobcenter'],
  carla: [],
  olaf: [],
  otto: ['ebh'],
};

const CASES = [
  { businessKey: 'HH-1', base: '2026-03-01T08:00:00Z', owner: 'olaf' },
  { businessKey: 'HH-2', base: '2026-03-05T08:00:00Z', owner: 'olaf' },
  { businessKey: 'HH-3', base: '2026-03-10T08:00:00Z', owner: 'kira' },
];

interface Task {
  id: string;
  name: string;
  assignee: string | null;
  due: string | null;
  priority: number;
  created: string;
  taskDefinitionKey: string;
  processInstanceId: string;
  businessKey: string;
  processDefinitionKey: string;
}

interface World {
  t: TestService;
  instances: Record<string, string>;
  as: (user: string) => Api;
  task: (businessKey: string, key: string) => Promise<Task>;
}

async function setUp(): Promise<World> {
  const t = await startTestService();
  for (const [id, groups] of Object.entries(USERS)) {
    const res = await t.api('POST', '/engine-rest/user/create', { profile: { id, firstName: id, lastName: 'Test', email: `${id}@example.org` }, credentials: { password: `${id}-Passwort-1` } });
    expect(res.status, JSON.stringify(res.body)).to.equal(204);
    for (const g of groups) {
      const m = await t.api('PUT', `/engine-rest/group/${g}/members/${id}`);
      expect(m.status, JSON.stringify(m.body)).to.equal(204);
    }
  }
  const dep = await deploy(t.api, { 'casework.bpmn': casework, 'other.bpmn': other });
  expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
  const instances: Record<string, string> = {};
  for (const c of CASES) {
    const res = await t.api('POST', '/engine-rest/process-definition/key/casework/start', {
      businessKey: c.businessKey,
      variables: { base: { value: c.base, type: 'String' }, owner: { value: c.owner, type: 'String' } },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    instances[c.businessKey] = res.body.id;
    t.clock.advance(HOUR);
  }
  const o = await t.api('POST', '/engine-rest/process-definition/key/other/start', { businessKey: 'OTHER-1' });
  expect(o.status).to.equal(200);
  instances['OTHER-1'] = o.body.id;
  return {
    t,
    instances,
    as: (user) => t.api.as(user, `${user}-Passwort-1`),
    async task(businessKey, key) {
      const r = await t.api('GET', `/engine-rest/task?processInstanceBusinessKey=${businessKey}&taskDefinitionKey=${key}`);
      expect(r.body, `${businessKey}/${key}`).to.have.length(1);
      return r.body[0];
    },
  };
}

describe('api: task list', () => {
  describe('queries', () => {
    let w: World;
    before(async () => {
      w = await setUp();
    });
    after(async () => {
      await w.t.close();
    });

    /** GET /task with the query and /task/count with the same filter; returns the tasks. */
    async function query(qs: string, expected: number): Promise<Task[]> {
      const list = await w.t.api('GET', `/engine-rest/task?${qs}`);
      expect(list.status, `${qs}: ${JSON.stringify(list.body)}`).to.equal(200);
      expect(list.body, qs).to.have.length(expected);
      const filterOnly = qs.split('&').filter((p) => !/^(sortBy|sortOrder|firstResult|maxResults)=/.test(p)).join('&');
      const count = await w.t.api('GET', `/engine-rest/task/count?${filterOnly}`);
      expect(count.status).to.equal(200);
      if (filterOnly === qs) expect(count.body, `count ${qs}`).to.deep.equal({ count: expected });
      return list.body;
    }
    const keys = (tasks: Task[]) => tasks.map((x) => `${x.businessKey}/${x.taskDefinitionKey}`).sort();

    it('Given 3 cases and 1 other instance, then there are 10 tasks, 3 per case', async () => {
      await query('', 10);
      for (const c of CASES) expect(keys(await query(`processInstanceBusinessKey=${c.businessKey}`, 3))).to.deep.equal([`${c.businessKey}/followup`, `${c.businessKey}/review`, `${c.businessKey}/triage`]);
    });

    it('When filtering by assignee, then only the tasks assigned by the owner expression', async () => {
      expect(keys(await query('assignee=olaf', 2))).to.deep.equal(['HH-1/followup', 'HH-2/followup']);
      expect(keys(await query('assignee=kira', 1))).to.deep.equal(['HH-3/followup']);
      await query('assignee=nobody', 0);
    });

    it('When filtering by candidateUser, then tasks offered to the user directly or to one of their groups, unassigned only', async () => {
      // kira is in cm-ki: the three case triages and the other process's triage; HH-3/followup is assigned to her, not offered.
      expect(keys(await query('candidateUser=kira', 4))).to.deep.equal(['HH-1/triage', 'HH-2/triage', 'HH-3/triage', 'OTHER-1/triage']);
      // carla has no groups but is a candidate user of review
      expect(keys(await query('candidateUser=carla', 3))).to.deep.equal(['HH-1/review', 'HH-2/review', 'HH-3/review']);
      // anton via abh, jana via jobcenter
      expect(keys(await query('candidateUser=anton', 3))).to.deep.equal(['HH-1/review', 'HH-2/review', 'HH-3/review']);
      expect(keys(await query('candidateUser=jana', 3))).to.deep.equal(['HH-1/review', 'HH-2/review', 'HH-3/review']);
      await query('candidateUser=otto', 0);
      await query('candidateUser=olaf', 0);
    });

    it('When filtering by candidateGroup and candidateGroups, then tasks of that group or any of the groups', async () => {
      expect(keys(await query('candidateGroup=cm-ki&processDefinitionKey=casework', 3))).to.deep.equal(['HH-1/triage', 'HH-2/triage', 'HH-3/triage']);
      expect(keys(await query('candidateGroup=jobcenter', 3))).to.deep.equal(['HH-1/review', 'HH-2/review', 'HH-3/review']);
      await query('candidateGroups=cm-ki,abh', 7);
      await query('candidateGroups=cm-ki,abh&processDefinitionKey=casework', 6);
      await query('candidateGroup=ebh', 0);
    });

    it('When filtering unassigned, by process instance, business key, definition key and task definition key, then exactly those', async () => {
      const unassigned = await query('unassigned=true', 7);
      expect(unassigned.every((x) => x.assignee === null)).to.equal(true);
      expect(keys(await query(`processInstanceId=${w.instances['HH-2']}`, 3))).to.deep.equal(['HH-2/followup', 'HH-2/review', 'HH-2/triage']);
      const hh3 = await query('processInstanceBusinessKey=HH-3', 3);
      expect(hh3.every((x) => x.processInstanceId === w.instances['HH-3'])).to.equal(true);
      await query('processDefinitionKey=casework', 9);
      expect(keys(await query('processDefinitionKey=other', 1))).to.deep.equal(['OTHER-1/triage']);
      expect(keys(await query('taskDefinitionKey=review', 3))).to.deep.equal(['HH-1/review', 'HH-2/review', 'HH-3/review']);
      expect(keys(await query('taskDefinitionKey=triage&processInstanceBusinessKey=HH-1', 1))).to.deep.equal(['HH-1/triage']);
      await query('processInstanceBusinessKey=HH-404', 0);
    });

    it('When filtering by dueBefore and dueAfter (Camunda date format), then strictly before/after', async () => {
      // triage due: 03-03, 03-07, 03-12 (08:00); review due: 03-11, 03-15, 03-20
      expect(keys(await query('dueBefore=2026-03-10T00:00:00.000%2B0000', 2))).to.deep.equal(['HH-1/triage', 'HH-2/triage']);
      expect(keys(await query('dueAfter=2026-03-12T00:00:00.000%2B0000', 3))).to.deep.equal(['HH-2/review', 'HH-3/review', 'HH-3/triage']);
      expect(keys(await query('dueAfter=2026-03-05T00:00:00.000%2B0000&dueBefore=2026-03-12T00:00:00.000%2B0000', 2))).to.deep.equal(['HH-1/review', 'HH-2/triage']);
      // strict bound: a task due exactly at the bound is excluded
      await query('dueBefore=2026-03-03T08:00:00.000%2B0000', 0);
      await query('dueAfter=2026-03-20T08:00:00.000%2B0000', 0);
    });

    it('When sorting by dueDate, priority and created in both orders, then in that order (tasks without due date last ascending)', async () => {
      const dueAsc = await query('processDefinitionKey=casework&sortBy=dueDate&sortOrder=asc', 9);
      expect(dueAsc.map((x) => x.due)).to.deep.equal([
        '2026-03-03T08:00:00.000+0000', '2026-03-07T08:00:00.000+0000', '2026-03-11T08:00:00.000+0000', '2026-03-12T08:00:00.000+0000',
        '2026-03-15T08:00:00.000+0000', '2026-03-20T08:00:00.000+0000', null, null, null,
      ]);
      const dueDesc = await query('processDefinitionKey=casework&sortBy=dueDate&sortOrder=desc', 9);
      expect(dueDesc.map((x) => x.due)).to.deep.equal([
        null, null, null, '2026-03-20T08:00:00.000+0000', '2026-03-15T08:00:00.000+0000', '2026-03-12T08:00:00.000+0000',
        '2026-03-11T08:00:00.000+0000', '2026-03-07T08:00:00.000+0000', '2026-03-03T08:00:00.000+0000',
      ]);
      const prioDesc = await query('processDefinitionKey=casework&sortBy=priority&sortOrder=desc', 9);
      expect(prioDesc.map((x) => x.priority)).to.deep.equal([80, 80, 80, 50, 50, 50, 20, 20, 20]);
      const prioAsc = await query('processDefinitionKey=casework&sortBy=priority&sortOrder=asc', 9);
      expect(prioAsc.map((x) => x.priority)).to.deep.equal([20, 20, 20, 50, 50, 50, 80, 80, 80]);
      // created: the instances were started an hour apart
      const createdAsc = await query('processDefinitionKey=casework&sortBy=created&sortOrder=asc', 9);
      expect(createdAsc.map((x) => x.businessKey)).to.deep.equal(['HH-1', 'HH-1', 'HH-1', 'HH-2', 'HH-2', 'HH-2', 'HH-3', 'HH-3', 'HH-3']);
      expect(createdAsc[0].created).to.equal('2026-03-01T08:00:00.000+0000');
      expect(createdAsc[8].created).to.equal('2026-03-01T10:00:00.000+0000');
      const createdDesc = await query('processDefinitionKey=casework&sortBy=created&sortOrder=desc', 9);
      expect(createdDesc.map((x) => x.businessKey)).to.deep.equal(['HH-3', 'HH-3', 'HH-3', 'HH-2', 'HH-2', 'HH-2', 'HH-1', 'HH-1', 'HH-1']);
    });

    it('When paging with firstResult and maxResults, then the window of the sorted list, and count ignores paging', async () => {
      const page = await query('processDefinitionKey=casework&sortBy=dueDate&sortOrder=asc&firstResult=1&maxResults=2', 2);
      expect(page.map((x) => x.due)).to.deep.equal(['2026-03-07T08:00:00.000+0000', '2026-03-11T08:00:00.000+0000']);
      const last = await query('processDefinitionKey=casework&sortBy=dueDate&sortOrder=asc&firstResult=8&maxResults=5', 1);
      expect(last[0].due).to.equal(null);
      await query('processDefinitionKey=casework&firstResult=20', 0);
      await query('processDefinitionKey=casework&maxResults=0', 0);
      // the pages together are the whole list, without duplicates
      const all: string[] = [];
      for (let first = 0; first < 9; first += 4) {
        const p = await w.t.api('GET', `/engine-rest/task?processDefinitionKey=casework&sortBy=priority&sortOrder=desc&firstResult=${first}&maxResults=4`);
        all.push(...p.body.map((x: Task) => x.id));
      }
      expect(new Set(all).size).to.equal(9);
      const count = await w.t.api('GET', '/engine-rest/task/count?processDefinitionKey=casework&firstResult=1&maxResults=2');
      expect(count.body).to.deep.equal({ count: 9 });
    });

    it('When getting one task by id, then all its fields', async () => {
      const listed = await w.task('HH-2', 'review');
      const res = await w.t.api('GET', `/engine-rest/task/${listed.id}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({
        id: listed.id,
        name: 'Prüfung',
        assignee: null,
        due: '2026-03-15T08:00:00.000+0000',
        priority: 20,
        taskDefinitionKey: 'review',
        processInstanceId: w.instances['HH-2'],
        processDefinitionKey: 'casework',
        businessKey: 'HH-2',
        created: '2026-03-01T09:00:00.000+0000',
        suspended: false,
      });
      expect(res.body.processDefinitionId).to.match(/^casework:1:/);
      expect(res.body.candidateGroups).to.have.members(['abh', 'jobcenter']);
      expect(res.body.candidateUsers).to.deep.equal(['carla']);
      const followup = await w.t.api('GET', `/engine-rest/task/${(await w.task('HH-1', 'followup')).id}`);
      expect(followup.body).to.include({ assignee: 'olaf', due: null, priority: 50, name: 'Nachfassen' });
    });
  });

  describe('claim, unclaim, assignee, complete', () => {
    let w: World;
    beforeEach(async () => {
      w = await setUp();
    });
    afterEach(async () => {
      await w.t.close();
    });

    it('Given an open cm-ki task, when kira (cm-ki) claims it → 204 and she is the assignee; kai (cm-ki) claiming it then → 409 and kira stays', async () => {
      const triage = await w.task('HH-1', 'triage');
      const claim = await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, { userId: 'kira' });
      expect(claim.status, JSON.stringify(claim.body)).to.equal(204);
      const after = await w.t.api('GET', `/engine-rest/task/${triage.id}`);
      expect(after.body.assignee).to.equal('kira');
      // no longer offered to candidates, now in kira's list
      const offered = await w.t.api('GET', '/engine-rest/task/count?candidateUser=kira&processDefinitionKey=casework');
      expect(offered.body.count).to.equal(2);
      const mine = await w.t.api('GET', '/engine-rest/task?assignee=kira');
      expect(mine.body.map((x: Task) => `${x.businessKey}/${x.taskDefinitionKey}`).sort()).to.deep.equal(['HH-1/triage', 'HH-3/followup']);
      // history records the assignee
      const hist = await w.t.api('GET', `/engine-rest/history/task?processInstanceId=${w.instances['HH-1']}&taskDefinitionKey=triage`);
      expect(hist.body[0].assignee).to.equal('kira');

      const second = await w.as('kai')('POST', `/engine-rest/task/${triage.id}/claim`, { userId: 'kai' });
      expect(second.status, JSON.stringify(second.body)).to.equal(409);
      expect(second.body.type).to.match(/Exception$/);
      expect(second.body.message).to.be.a('string').and.not.empty;
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).body.assignee).to.equal('kira');

      // claiming again as the assignee is harmless
      expect((await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, { userId: 'kira' })).status).to.equal(204);
    });

    it('Given a candidate user (carla) and a group candidate (anton), when they claim review tasks → 204 each', async () => {
      const r1 = await w.task('HH-1', 'review');
      const r2 = await w.task('HH-2', 'review');
      expect((await w.as('carla')('POST', `/engine-rest/task/${r1.id}/claim`, { userId: 'carla' })).status).to.equal(204);
      expect((await w.as('anton')('POST', `/engine-rest/task/${r2.id}/claim`, {})).status).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${r1.id}`)).body.assignee).to.equal('carla');
      expect((await w.t.api('GET', `/engine-rest/task/${r2.id}`)).body.assignee).to.equal('anton');
    });

    it('Given a non-candidate (otto, ebh), when claiming or completing → 403 and nothing changed', async () => {
      const triage = await w.task('HH-2', 'triage');
      const histBefore = await w.t.api('GET', `/engine-rest/history/task?processInstanceId=${w.instances['HH-2']}`);
      const actsBefore = await w.t.api('GET', `/engine-rest/history/activity-instance/count?processInstanceId=${w.instances['HH-2']}`);

      const claim = await w.as('otto')('POST', `/engine-rest/task/${triage.id}/claim`, { userId: 'otto' });
      expect(claim.status).to.equal(403);
      expect(claim.body.type).to.equal('AuthorizationException');
      const complete = await w.as('otto')('POST', `/engine-rest/task/${triage.id}/complete`, { variables: { hacked: { value: true, type: 'Boolean' } } });
      expect(complete.status).to.equal(403);
      expect(complete.body.type).to.equal('AuthorizationException');
      const assign = await w.as('otto')('POST', `/engine-rest/task/${triage.id}/assignee`, { userId: 'otto' });
      expect(assign.status).to.equal(403);
      // kira may not claim for someone else
      const forOther = await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, { userId: 'kai' });
      expect(forOther.status).to.equal(403);

      // Then nothing changed
      const now = await w.t.api('GET', `/engine-rest/task/${triage.id}`);
      expect(now.status).to.equal(200);
      expect(now.body.assignee).to.equal(null);
      const vars = await w.t.api('GET', `/engine-rest/process-instance/${w.instances['HH-2']}/variables`);
      expect(Object.keys(vars.body).sort()).to.deep.equal(['base', 'owner']);
      expect((await w.t.api('GET', `/engine-rest/history/task?processInstanceId=${w.instances['HH-2']}`)).body).to.deep.equal(histBefore.body);
      expect((await w.t.api('GET', `/engine-rest/history/activity-instance/count?processInstanceId=${w.instances['HH-2']}`)).body).to.deep.equal(actsBefore.body);
      expect((await w.t.api('GET', '/engine-rest/task/count?processInstanceBusinessKey=HH-2')).body.count).to.equal(3);
    });

    it('Given a task claimed by kira, when kai (same group) tries to complete or unclaim it → 403; kira unclaims → 204 and it is offered again', async () => {
      const triage = await w.task('HH-1', 'triage');
      expect((await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, {})).status).to.equal(204);
      expect((await w.as('kai')('POST', `/engine-rest/task/${triage.id}/complete`, {})).status).to.equal(403);
      expect((await w.as('kai')('POST', `/engine-rest/task/${triage.id}/unclaim`, {})).status).to.equal(403);
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).body.assignee).to.equal('kira');

      const unclaim = await w.as('kira')('POST', `/engine-rest/task/${triage.id}/unclaim`, {});
      expect(unclaim.status, JSON.stringify(unclaim.body)).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).body.assignee).to.equal(null);
      expect((await w.t.api('GET', '/engine-rest/task/count?candidateUser=kai&processDefinitionKey=casework')).body.count).to.equal(3);
      // now kai can claim it
      expect((await w.as('kai')('POST', `/engine-rest/task/${triage.id}/claim`, {})).status).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).body.assignee).to.equal('kai');
    });

    it('Given a task claimed by kira, when kai (same group) tries to take it over via /assignee → 403 and kira stays (no way around the claim conflict)', async () => {
      const triage = await w.task('HH-2', 'triage');
      expect((await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, {})).status).to.equal(204);
      const steal = await w.as('kai')('POST', `/engine-rest/task/${triage.id}/assignee`, { userId: 'kai' });
      expect(steal.status, JSON.stringify(steal.body)).to.equal(403);
      expect(steal.body.type).to.equal('AuthorizationException');
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).body.assignee).to.equal('kira');
    });

    it('Given an open task, when the admin sets the assignee via /assignee → 204; null clears it; a bad userId → 400', async () => {
      const review = await w.task('HH-3', 'review');
      const set = await w.t.api('POST', `/engine-rest/task/${review.id}/assignee`, { userId: 'anton' });
      expect(set.status, JSON.stringify(set.body)).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${review.id}`)).body.assignee).to.equal('anton');
      expect((await w.t.api('GET', '/engine-rest/task?assignee=anton')).body.map((x: Task) => x.id)).to.deep.equal([review.id]);
      // the assignee may hand it over
      expect((await w.as('anton')('POST', `/engine-rest/task/${review.id}/assignee`, { userId: 'jana' })).status).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${review.id}`)).body.assignee).to.equal('jana');
      const clear = await w.t.api('POST', `/engine-rest/task/${review.id}/assignee`, { userId: null });
      expect(clear.status).to.equal(204);
      expect((await w.t.api('GET', `/engine-rest/task/${review.id}`)).body.assignee).to.equal(null);
      const bad = await w.t.api('POST', `/engine-rest/task/${review.id}/assignee`, { userId: 42 });
      expect(bad.status).to.equal(400);
      expect(bad.body.type).to.equal('InvalidRequestException');
    });

    it('Given the variables of a task, then /variables and /form-variables return them typed, /form-variables filtered by variableNames', async () => {
      const triage = await w.task('HH-2', 'triage');
      const vars = await w.as('kira')('GET', `/engine-rest/task/${triage.id}/variables`);
      expect(vars.status).to.equal(200);
      expect(vars.body).to.deep.equal({
        base: { type: 'String', value: '2026-03-05T08:00:00Z', valueInfo: {} },
        owner: { type: 'String', value: 'olaf', valueInfo: {} },
      });
      const form = await w.as('kira')('GET', `/engine-rest/task/${triage.id}/form-variables`);
      expect(form.status).to.equal(200);
      expect(form.body).to.deep.equal(vars.body);
      const only = await w.as('kira')('GET', `/engine-rest/task/${triage.id}/form-variables?variableNames=owner`);
      expect(only.body).to.deep.equal({ owner: { type: 'String', value: 'olaf', valueInfo: {} } });
    });

    it('Given a claimed task, when completed with withVariablesInReturn: true → 200 with all process variables; the task is gone and recorded in history', async () => {
      const triage = await w.task('HH-1', 'triage');
      expect((await w.as('kira')('POST', `/engine-rest/task/${triage.id}/claim`, {})).status).to.equal(204);
      const done = await w.as('kira')('POST', `/engine-rest/task/${triage.id}/complete`, {
        variables: { decision: { value: 'accepted', type: 'String' }, score: { value: 7, type: 'Integer' } },
        withVariablesInReturn: true,
      });
      expect(done.status, JSON.stringify(done.body)).to.equal(200);
      expect(done.body).to.deep.equal({
        base: { type: 'String', value: '2026-03-01T08:00:00Z', valueInfo: {} },
        owner: { type: 'String', value: 'olaf', valueInfo: {} },
        decision: { type: 'String', value: 'accepted', valueInfo: {} },
        score: { type: 'Integer', value: 7, valueInfo: {} },
      });
      expect((await w.t.api('GET', `/engine-rest/task/${triage.id}`)).status).to.equal(404);
      const remaining = await w.t.api('GET', `/engine-rest/task?processInstanceBusinessKey=HH-1`);
      expect(remaining.body.map((x: Task) => x.taskDefinitionKey).sort()).to.deep.equal(['followup', 'review']);
      const hist = await w.t.api('GET', `/engine-rest/history/task?processInstanceId=${w.instances['HH-1']}&taskDefinitionKey=triage&finished=true`);
      expect(hist.body).to.have.length(1);
      expect(hist.body[0]).to.include({ assignee: 'kira', endTime: '2026-03-01T11:00:00.000+0000' });
      // the other tasks see the new variables
      const review = await w.task('HH-1', 'review');
      const vars = await w.t.api('GET', `/engine-rest/task/${review.id}/variables`);
      expect(vars.body.decision).to.deep.equal({ type: 'String', value: 'accepted', valueInfo: {} });

      // completing without withVariablesInReturn → 204 without body; after the last task the instance is COMPLETED
      const d2 = await w.as('carla')('POST', `/engine-rest/task/${review.id}/complete`, {});
      expect(d2.status).to.equal(204);
      expect(d2.body).to.equal(undefined);
      const followup = await w.task('HH-1', 'followup');
      expect((await w.as('kira')('POST', `/engine-rest/task/${followup.id}/complete`, {})).status).to.equal(403);
      expect((await w.as('olaf')('POST', `/engine-rest/task/${followup.id}/complete`, {})).status).to.equal(204);
      const inst = await w.t.api('GET', `/engine-rest/history/process-instance/${w.instances['HH-1']}`);
      expect(inst.body.state).to.equal('COMPLETED');
      expect((await w.t.api('GET', `/engine-rest/process-instance/${w.instances['HH-1']}`)).status).to.equal(404);
      expect((await w.t.api('GET', '/engine-rest/task/count?processInstanceBusinessKey=HH-1')).body.count).to.equal(0);
      // the other cases are untouched
      expect((await w.t.api('GET', '/engine-rest/task/count?processDefinitionKey=casework')).body.count).to.equal(6);
    });
  });
});
