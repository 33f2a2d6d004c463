import fs from 'node:fs';
import { expect } from 'chai';
import { ADMIN, bpmn, deploy, startTestService, type Api, type TestService } from '../helpers/service.ts';

const FIXTURES = 'tests/fixtures/bpmn/parse';

/** start → review (user task) → end; `label` changes the task name so the diagram counts as changed. */
function approval(label = 'Prüfen', key = 'approval'): string {
  return bpmn(
    key,
    `<bpmn:startEvent id="start"/>
     <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
     <bpmn:userTask id="review" name="${label}" camunda:candidateGroups="cm-ki"/>
     <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
     <bpmn:endEvent id="end"/>`,
  );
}

const MODELER_FIELDS = { 'deployment-name': 'diagram', 'deployment-source': 'Camunda Modeler', 'enable-duplicate-filtering': 'true', 'deploy-changed-only': 'true' };

/**
 * The request exactly as Camunda Modeler 5 sends it, built byte by byte: text fields, then the
 * file part named after the file with `application/octet-stream`, no `tenant-id`.
 */
function modelerMultipart(fileName: string, xml: string, fields: Record<string, string> = MODELER_FIELDS): { body: Buffer; contentType: string } {
  const boundary = '--------------------------KimModeler5Boundary0123456789';
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${fileName}"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`, 'utf8'));
  chunks.push(Buffer.from(xml, 'utf8'));
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function rawPost(t: TestService, url: string, body: Buffer, contentType: string, who = ADMIN) {
  const res = await fetch(t.service.url + url, {
    method: 'POST',
    headers: { Authorization: 'Basic ' + Buffer.from(`${who.user}:${who.password}`).toString('base64'), 'Content-Type': contentType, 'Content-Length': String(body.length) },
    body: new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function count(api: Api, url: string): Promise<number> {
  const r = await api('GET', url);
  expect(r.status, `${url}: ${JSON.stringify(r.body)}`).to.equal(200);
  return r.body.count as number;
}

describe('api: deployments and process definitions', () => {
  let t: TestService;
  beforeEach(async () => {
    t = await startTestService();
  });
  afterEach(async () => {
    await t.close();
  });

  describe('deploying as Camunda Modeler 5 does', () => {
    it('Given a hand-built Modeler multipart body, when POSTed to /deployment/create, then 200 with deployedProcessDefinitions keyed by definition id', async () => {
      const xml = approval();
      const { body, contentType } = modelerMultipart('diagram.bpmn', xml);
      const res = await rawPost(t, '/engine-rest/deployment/create', body, contentType);

      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.include({ name: 'diagram', source: 'Camunda Modeler', tenantId: null, deploymentTime: '2026-03-01T08:00:00.000+0000' });
      expect(res.body.id).to.be.a('string').and.not.empty;
      const ids = Object.keys(res.body.deployedProcessDefinitions);
      expect(ids).to.have.length(1);
      const def = res.body.deployedProcessDefinitions[ids[0]];
      expect(def).to.include({ id: ids[0], key: 'approval', version: 1, resource: 'diagram.bpmn', deploymentId: res.body.id });
      expect(ids[0]).to.match(/^approval:1:/);
      expect(res.body.deployedCaseDefinitions).to.equal(null);
      expect(res.body.deployedDecisionDefinitions).to.equal(null);

      // Then the stored resource is the file, named as the Modeler named it, byte for byte.
      const resources = await t.api('GET', `/engine-rest/deployment/${res.body.id}/resources`);
      expect(resources.status).to.equal(200);
      expect(resources.body).to.have.length(1);
      expect(resources.body[0]).to.include({ name: 'diagram.bpmn', deploymentId: res.body.id });
      const xmlRes = await t.api('GET', `/engine-rest/process-definition/${ids[0]}/xml`);
      expect(xmlRes.status).to.equal(200);
      expect(xmlRes.body).to.deep.equal({ id: ids[0], bpmn20Xml: xml });
    });

    it('Given the FormData helper with the same fields, when deployed, then the same response shape', async () => {
      const res = await deploy(t.api, { 'diagram.bpmn': approval() }, MODELER_FIELDS);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.source).to.equal('Camunda Modeler');
      const defs = Object.values(res.body.deployedProcessDefinitions) as Array<Record<string, unknown>>;
      expect(defs).to.have.length(1);
      expect(defs[0]).to.include({ key: 'approval', version: 1, resource: 'diagram.bpmn', deploymentId: res.body.id });
    });

    it('Given a multipart body without any file part, when deployed, then 400 and nothing is stored', async () => {
      const boundary = 'kimNoFileBoundary';
      const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="deployment-name"\r\n\r\nx\r\n--${boundary}--\r\n`);
      const res = await rawPost(t, '/engine-rest/deployment/create', body, `multipart/form-data; boundary=${boundary}`);
      expect(res.status).to.equal(400);
      expect(res.body.type).to.equal('InvalidRequestException');
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(0);
    });
  });

  describe('versions and duplicate filtering', () => {
    it('Given v1, when a changed diagram is deployed, then version 2; an identical one with duplicate filtering adds nothing; without filtering it adds version 3', async () => {
      const v1 = modelerMultipart('diagram.bpmn', approval('Prüfen'));
      const r1 = await rawPost(t, '/engine-rest/deployment/create', v1.body, v1.contentType);
      expect(r1.status).to.equal(200);

      // When the changed diagram is deployed
      const v2 = modelerMultipart('diagram.bpmn', approval('Gründlich prüfen'));
      const r2 = await rawPost(t, '/engine-rest/deployment/create', v2.body, v2.contentType);
      expect(r2.status, JSON.stringify(r2.body)).to.equal(200);
      const d2 = Object.values(r2.body.deployedProcessDefinitions) as Array<Record<string, unknown>>;
      expect(d2).to.have.length(1);
      expect(d2[0]).to.include({ key: 'approval', version: 2, deploymentId: r2.body.id });
      expect(r2.body.id).to.not.equal(r1.body.id);
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval')).to.equal(2);

      // When the identical diagram is deployed again with duplicate filtering
      const again = modelerMultipart('diagram.bpmn', approval('Gründlich prüfen'));
      const r3 = await rawPost(t, '/engine-rest/deployment/create', again.body, again.contentType);
      expect(r3.status, JSON.stringify(r3.body)).to.equal(200);
      // Then the answer is the earlier deployment, with nothing deployed
      expect(r3.body.id).to.equal(r2.body.id);
      expect(r3.body.deployedProcessDefinitions).to.equal(null);
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval')).to.equal(2);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(2);
      const list = await t.api('GET', '/engine-rest/process-definition?key=approval');
      expect(list.body.map((d: { version: number }) => d.version)).to.deep.equal([1, 2]);

      // When the identical diagram is deployed without duplicate filtering
      const r4 = await deploy(t.api, { 'diagram.bpmn': approval('Gründlich prüfen') }, { 'deployment-source': 'Camunda Modeler' });
      expect(r4.status).to.equal(200);
      const d4 = Object.values(r4.body.deployedProcessDefinitions) as Array<Record<string, unknown>>;
      expect(d4[0]).to.include({ key: 'approval', version: 3, deploymentId: r4.body.id });
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval')).to.equal(3);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(3);
    });
  });

  describe('reading definitions and deployments', () => {
    it('Given two versions, then latestVersion, key, key/xml, id, count, deployment list, deployment and resources answer consistently', async () => {
      const xml1 = approval('Eins');
      const xml2 = approval('Zwei');
      const r1 = await deploy(t.api, { 'diagram.bpmn': xml1 }, { 'deployment-name': 'first' });
      const r2 = await deploy(t.api, { 'diagram.bpmn': xml2 }, { 'deployment-name': 'second' });
      const other = await deploy(t.api, { 'other.bpmn': approval('X', 'other') }, { 'deployment-name': 'other' });
      expect([r1.status, r2.status, other.status]).to.deep.equal([200, 200, 200]);
      const id1 = Object.keys(r1.body.deployedProcessDefinitions)[0];
      const id2 = Object.keys(r2.body.deployedProcessDefinitions)[0];

      // latestVersion=true with key → only v2
      const latest = await t.api('GET', '/engine-rest/process-definition?key=approval&latestVersion=true');
      expect(latest.status).to.equal(200);
      expect(latest.body).to.have.length(1);
      expect(latest.body[0]).to.include({ id: id2, key: 'approval', version: 2, deploymentId: r2.body.id, resource: 'diagram.bpmn' });
      // latestVersion=true without key → one per key
      const latestAll = await t.api('GET', '/engine-rest/process-definition?latestVersion=true');
      expect(latestAll.body.map((d: { key: string; version: number }) => `${d.key}@${d.version}`).sort()).to.deep.equal(['approval@2', 'other@1']);

      // /key/{key} → latest
      const byKey = await t.api('GET', '/engine-rest/process-definition/key/approval');
      expect(byKey.status).to.equal(200);
      expect(byKey.body).to.include({ id: id2, version: 2 });

      // /key/{key}/xml → exactly the latest XML deployed
      const xml = await t.api('GET', '/engine-rest/process-definition/key/approval/xml');
      expect(xml.status).to.equal(200);
      expect(xml.body.id).to.equal(id2);
      expect(xml.body.bpmn20Xml).to.equal(xml2);

      // /{id} → that version, also an older one
      const old = await t.api('GET', `/engine-rest/process-definition/${encodeURIComponent(id1)}`);
      expect(old.status).to.equal(200);
      expect(old.body).to.include({ id: id1, key: 'approval', version: 1, deploymentId: r1.body.id, startableInTasklist: true, suspended: false });
      const oldXml = await t.api('GET', `/engine-rest/process-definition/${encodeURIComponent(id1)}/xml`);
      expect(oldXml.body.bpmn20Xml).to.equal(xml1);

      // counts
      expect(await count(t.api, '/engine-rest/process-definition/count')).to.equal(3);
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval')).to.equal(2);
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval&latestVersion=true')).to.equal(1);
      expect(await count(t.api, `/engine-rest/process-definition/count?deploymentId=${r1.body.id}`)).to.equal(1);

      // deployments
      const deps = await t.api('GET', '/engine-rest/deployment?sortBy=name&sortOrder=asc');
      expect(deps.status).to.equal(200);
      expect(deps.body.map((d: { name: string }) => d.name)).to.deep.equal(['first', 'other', 'second']);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(3);
      const dep = await t.api('GET', `/engine-rest/deployment/${r2.body.id}`);
      expect(dep.status).to.equal(200);
      expect(dep.body).to.deep.equal({ links: [], id: r2.body.id, name: 'second', source: null, deploymentTime: '2026-03-01T08:00:00.000+0000', tenantId: null });
      const resources = await t.api('GET', `/engine-rest/deployment/${r2.body.id}/resources`);
      expect(resources.status).to.equal(200);
      expect(resources.body).to.have.length(1);
      expect(resources.body[0]).to.include({ name: 'diagram.bpmn', deploymentId: r2.body.id });
      // the resource data is the XML as uploaded
      const res = await fetch(`${t.service.url}/engine-rest/deployment/${r2.body.id}/resources/${resources.body[0].id}/data`, {
        headers: { Authorization: 'Basic ' + Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64') },
      });
      expect(res.status).to.equal(200);
      expect(await res.text()).to.equal(xml2);
    });
  });

  describe('non-executable processes', () => {
    it('Given isExecutable="false", when deployed, then it is stored and viewable, but starting it → 409 and no instance exists', async () => {
      const xml = approval('Nur ansehen', 'viewOnly').replace('isExecutable="true"', 'isExecutable="false"');
      const dep = await deploy(t.api, { 'view.bpmn': xml });
      expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
      const def = Object.values(dep.body.deployedProcessDefinitions)[0] as Record<string, unknown>;
      expect(def).to.include({ key: 'viewOnly', version: 1, startableInTasklist: false });

      const view = await t.api('GET', '/engine-rest/process-definition/key/viewOnly/xml');
      expect(view.status).to.equal(200);
      expect(view.body.bpmn20Xml).to.equal(xml);

      const start = await t.api('POST', '/engine-rest/process-definition/key/viewOnly/start', { businessKey: 'NE-1' });
      expect(start.status, JSON.stringify(start.body)).to.equal(409);
      expect(start.body.type).to.match(/Exception$/);
      expect(start.body.message).to.contain('not executable');
      const byId = await t.api('POST', `/engine-rest/process-definition/${encodeURIComponent(def.id as string)}/start`, {});
      expect(byId.status).to.equal(409);

      expect(await count(t.api, '/engine-rest/process-instance/count')).to.equal(0);
      expect(await count(t.api, '/engine-rest/history/process-instance/count')).to.equal(0);
      expect(await count(t.api, '/engine-rest/task/count')).to.equal(0);
    });

    it('Given a non-executable process with a script task, when deployed, then 200 and the script comes back as a warning', async () => {
      const dep = await deploy(t.api, { 'view.bpmn': fs.readFileSync(`${FIXTURES}/non-executable-script.bpmn`, 'utf8') });
      expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
      expect(dep.body.warnings).to.deep.include({ rule: 'kim/no-script-task', elementId: 'calculate', message: 'Script tasks are not allowed: calculate', category: 'warn', resource: 'view.bpmn' });
      const start = await t.api('POST', '/engine-rest/process-definition/key/viewOnly/start', {});
      expect(start.status).to.equal(409);
      expect(await count(t.api, '/engine-rest/history/process-instance/count')).to.equal(0);
    });
  });

  describe('deleting deployments', () => {
    it('Given a deployment with running instances, when deleted without cascade → 409 and nothing deleted; with cascade=true → 204 and definitions, instances, tasks are gone', async () => {
      const keep = await deploy(t.api, { 'keep.bpmn': approval('Bleibt', 'keep') });
      const dep = await deploy(t.api, { 'diagram.bpmn': approval() });
      expect(dep.status).to.equal(200);
      const defId = Object.keys(dep.body.deployedProcessDefinitions)[0];
      const starts = await Promise.all(['D-1', 'D-2'].map((businessKey) => t.api('POST', '/engine-rest/process-definition/key/approval/start', { businessKey })));
      expect(starts.map((s) => s.status)).to.deep.equal([200, 200]);
      const other = await t.api('POST', '/engine-rest/process-definition/key/keep/start', { businessKey: 'K-1' });
      expect(other.status).to.equal(200);
      const tasks = await t.api('GET', '/engine-rest/task?processDefinitionKey=approval');
      expect(tasks.body).to.have.length(2);

      // When deleted without cascade
      const refused = await t.api('DELETE', `/engine-rest/deployment/${dep.body.id}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.type).to.match(/Exception$/);
      expect(refused.body.message).to.contain('cascade');
      // Then nothing was deleted
      expect((await t.api('GET', `/engine-rest/deployment/${dep.body.id}`)).status).to.equal(200);
      expect((await t.api('GET', `/engine-rest/process-definition/${encodeURIComponent(defId)}`)).status).to.equal(200);
      expect(await count(t.api, '/engine-rest/process-instance/count?processDefinitionKey=approval')).to.equal(2);
      expect(await count(t.api, '/engine-rest/task/count?processDefinitionKey=approval')).to.equal(2);

      // When deleted with cascade
      const deleted = await t.api('DELETE', `/engine-rest/deployment/${dep.body.id}?cascade=true`);
      expect(deleted.status, JSON.stringify(deleted.body)).to.equal(204);
      // Then the deployment, its definition, instances (runtime and history) and tasks are gone
      expect((await t.api('GET', `/engine-rest/deployment/${dep.body.id}`)).status).to.equal(404);
      expect((await t.api('GET', `/engine-rest/process-definition/${encodeURIComponent(defId)}`)).status).to.equal(404);
      expect((await t.api('GET', '/engine-rest/process-definition/key/approval')).status).to.equal(404);
      expect(await count(t.api, '/engine-rest/process-definition/count?key=approval')).to.equal(0);
      expect(await count(t.api, '/engine-rest/process-instance/count?processDefinitionKey=approval')).to.equal(0);
      expect(await count(t.api, '/engine-rest/task/count?processDefinitionKey=approval')).to.equal(0);
      for (const s of starts) {
        expect((await t.api('GET', `/engine-rest/process-instance/${s.body.id}`)).status).to.equal(404);
        expect((await t.api('GET', `/engine-rest/history/process-instance/${s.body.id}`)).status).to.equal(404);
      }
      for (const task of tasks.body) expect((await t.api('GET', `/engine-rest/task/${task.id}`)).status).to.equal(404);
      expect(await count(t.api, '/engine-rest/history/task/count?processDefinitionKey=approval')).to.equal(0);
      // The other deployment is untouched
      expect((await t.api('GET', `/engine-rest/deployment/${keep.body.id}`)).status).to.equal(200);
      expect(await count(t.api, '/engine-rest/process-instance/count')).to.equal(1);
      expect(await count(t.api, '/engine-rest/task/count?processInstanceBusinessKey=K-1')).to.equal(1);
    });

    it('Given a deployment whose only instance has finished, when deleted without cascade → 204 and the history of that instance is kept (as in Camunda)', async () => {
      const dep = await deploy(t.api, { 'diagram.bpmn': approval() });
      const start = await t.api('POST', '/engine-rest/process-definition/key/approval/start', { businessKey: 'DONE-1' });
      const [task] = (await t.api('GET', `/engine-rest/task?processInstanceId=${start.body.id}`)).body;
      expect((await t.api('POST', `/engine-rest/task/${task.id}/complete`, {})).status).to.equal(204);
      expect((await t.api('GET', `/engine-rest/history/process-instance/${start.body.id}`)).body.state).to.equal('COMPLETED');

      const del = await t.api('DELETE', `/engine-rest/deployment/${dep.body.id}`);
      expect(del.status, JSON.stringify(del.body)).to.equal(204);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(0);
      expect(await count(t.api, '/engine-rest/process-definition/count')).to.equal(0);
      const hist = await t.api('GET', `/engine-rest/history/process-instance/${start.body.id}`);
      expect(hist.status).to.equal(200);
      expect(hist.body).to.include({ state: 'COMPLETED', businessKey: 'DONE-1', processDefinitionKey: 'approval' });
      expect(await count(t.api, `/engine-rest/history/task/count?processInstanceId=${start.body.id}`)).to.equal(1);
    });

    it('Given a deployment without instances, when deleted without cascade → 204; an unknown id → 404', async () => {
      const dep = await deploy(t.api, { 'diagram.bpmn': approval() });
      const del = await t.api('DELETE', `/engine-rest/deployment/${dep.body.id}`);
      expect(del.status).to.equal(204);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(0);
      expect(await count(t.api, '/engine-rest/process-definition/count')).to.equal(0);

      const unknown = await t.api('DELETE', '/engine-rest/deployment/does-not-exist');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.type).to.match(/Exception$/);
      expect(unknown.body.message).to.contain('does-not-exist');
      const unknownCascade = await t.api('DELETE', '/engine-rest/deployment/does-not-exist?cascade=true');
      expect(unknownCascade.status).to.equal(404);
    });

    it('Given v1 and v2 in two deployments, when v2 is deleted, then key/{key} answers v1 again and v1 instances can start', async () => {
      const d1 = await deploy(t.api, { 'diagram.bpmn': approval('Eins') });
      const d2 = await deploy(t.api, { 'diagram.bpmn': approval('Zwei') });
      expect((await t.api('DELETE', `/engine-rest/deployment/${d2.body.id}`)).status).to.equal(204);
      const latest = await t.api('GET', '/engine-rest/process-definition/key/approval');
      expect(latest.body).to.include({ version: 1, deploymentId: d1.body.id });
      const start = await t.api('POST', '/engine-rest/process-definition/key/approval/start', {});
      expect(start.status).to.equal(200);
      expect(start.body.definitionId).to.equal(latest.body.id);
    });
  });

  describe('who may deploy', () => {
    const ULLA = { id: 'ulla', password: 'Ulla-Passwort-1' };

    it('Given a user outside kim-koordination, when deploying → 403 and nothing stored; after joining kim-koordination → 200', async () => {
      const created = await t.api('POST', '/engine-rest/user/create', {
        profile: { id: ULLA.id, firstName: 'Ulla', lastName: 'Umsicht', email: 'ulla@example.org' },
        credentials: { password: ULLA.password },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(204);
      const ulla = t.api.as(ULLA.id, ULLA.password);

      const denied = await deploy(ulla, { 'diagram.bpmn': approval() });
      expect(denied.status).to.equal(403);
      expect(denied.body.type).to.equal('AuthorizationException');
      expect(denied.body.message).to.contain('kim-koordination');
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(0);
      expect(await count(t.api, '/engine-rest/process-definition/count')).to.equal(0);

      // The raw Modeler request is refused the same way.
      const raw = modelerMultipart('diagram.bpmn', approval());
      const deniedRaw = await rawPost(t, '/engine-rest/deployment/create', raw.body, raw.contentType, { user: ULLA.id, password: ULLA.password });
      expect(deniedRaw.status).to.equal(403);

      // Given an admin-made deployment, ulla may not delete it either.
      const adminDep = await deploy(t.api, { 'admin.bpmn': approval('A', 'adminProcess') });
      expect((await ulla('DELETE', `/engine-rest/deployment/${adminDep.body.id}`)).status).to.equal(403);
      expect((await t.api('GET', `/engine-rest/deployment/${adminDep.body.id}`)).status).to.equal(200);

      // When ulla joins kim-koordination
      const joined = await t.api('PUT', `/engine-rest/group/kim-koordination/members/${ULLA.id}`);
      expect(joined.status, JSON.stringify(joined.body)).to.equal(204);

      const allowed = await deploy(ulla, { 'diagram.bpmn': approval() });
      expect(allowed.status, JSON.stringify(allowed.body)).to.equal(200);
      expect(Object.values(allowed.body.deployedProcessDefinitions)[0]).to.include({ key: 'approval', version: 1 });
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(2);
    });

    it('Given no credentials, when deploying → 401', async () => {
      const raw = modelerMultipart('diagram.bpmn', approval());
      const res = await fetch(t.service.url + '/engine-rest/deployment/create', { method: 'POST', headers: { 'Content-Type': raw.contentType }, body: new Uint8Array(raw.body) });
      expect(res.status).to.equal(401);
      expect(await count(t.api, '/engine-rest/deployment/count')).to.equal(0);
    });
  });

  describe('lint findings', () => {
    it('Given a diagram with a disconnected task, when deployed, then 200 with structured warnings naming rule, message, category, element and resource', async () => {
      const dep = await deploy(t.api, { 'diagram.bpmn': fs.readFileSync(`${FIXTURES}/disconnected.bpmn`, 'utf8') });
      expect(dep.status, JSON.stringify(dep.body)).to.equal(200);
      const warnings = dep.body.warnings as Array<Record<string, unknown>>;
      expect(warnings).to.be.an('array').that.is.not.empty;
      for (const w of warnings) {
        expect(Object.keys(w)).to.include.members(['rule', 'message', 'category', 'resource']);
        expect(Object.keys(w).every((k) => ['rule', 'message', 'category', 'elementId', 'resource'].includes(k)), JSON.stringify(w)).to.equal(true);
        expect(w.rule).to.be.a('string');
        expect(w.message).to.be.a('string');
        expect(w.resource).to.equal('diagram.bpmn');
      }
      expect(warnings).to.deep.include({ rule: 'no-disconnected', message: 'Element is not connected', category: 'error', elementId: 'Activity_Orphan', resource: 'diagram.bpmn' });
      // Lint findings do not stop the deploy: the definition exists.
      expect(Object.values(dep.body.deployedProcessDefinitions)[0]).to.include({ key: 'lintDemo', version: 1 });
    });

    it('Given a clean diagram (as the Modeler writes it: labels, incoming/outgoing, DI), when deployed twice, then both deploys have no warnings (lint state must not leak between deploys)', async () => {
      // Element ids unique to this test, so no earlier deploy in this mocha process can interfere with the first one.
      const u = `c${Date.now().toString(36)}`;
      const clean = bpmn(
        'clean',
        `<bpmn:startEvent id="${u}_start" name="Antrag da"><bpmn:outgoing>${u}_f1</bpmn:outgoing></bpmn:startEvent>
         <bpmn:userTask id="${u}_review" name="Prüfen" camunda:candidateGroups="cm-ki"><bpmn:incoming>${u}_f1</bpmn:incoming><bpmn:outgoing>${u}_f2</bpmn:outgoing></bpmn:userTask>
         <bpmn:endEvent id="${u}_end" name="Erledigt"><bpmn:incoming>${u}_f2</bpmn:incoming></bpmn:endEvent>
         <bpmn:sequenceFlow id="${u}_f1" sourceRef="${u}_start" targetRef="${u}_review"/>
         <bpmn:sequenceFlow id="${u}_f2" sourceRef="${u}_review" targetRef="${u}_end"/>`,
        `<bpmndi:BPMNDiagram id="diagram_1" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI">
    <bpmndi:BPMNPlane id="plane_1" bpmnElement="clean">
      <bpmndi:BPMNShape id="start_di" bpmnElement="${u}_start"><dc:Bounds x="150" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="review_di" bpmnElement="${u}_review"><dc:Bounds x="240" y="78" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="${u}_end"><dc:Bounds x="400" y="100" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="${u}_f1"><di:waypoint x="186" y="118"/><di:waypoint x="240" y="118"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="${u}_f2"><di:waypoint x="340" y="118"/><di:waypoint x="400" y="118"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>`,
      );
      const first = await deploy(t.api, { 'diagram.bpmn': clean });
      expect(first.status).to.equal(200);
      expect(first.body.warnings).to.deep.equal([]);
      // Same diagram again, without duplicate filtering: a new version, and still nothing to warn about.
      const second = await deploy(t.api, { 'diagram.bpmn': clean });
      expect(second.status).to.equal(200);
      expect(Object.values(second.body.deployedProcessDefinitions)[0]).to.include({ key: 'clean', version: 2 });
      expect(second.body.warnings).to.deep.equal([]);
    });
  });
});
