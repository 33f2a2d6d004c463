import { expect } from 'chai';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { bpmn, deploy, startTestService, type TestService } from '../helpers/service.ts';
import { start } from '../helpers/flow.ts';

describe('api: notifications from the engine (inbox and e-mail over real SMTP)', () => {
  let t: TestService;
  let smtp: SMTPServer;
  const mails: Array<{ to: string[]; raw: string }> = [];

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (d) => (raw += d));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const port = (smtp.server.address() as AddressInfo).port;
    t = await startTestService({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'KIM Herne <kim@herne.test>' } });
  });
  after(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('a task assigned to a user lands in their inbox and mailbox; the benachrichtigen handler tells a group', async () => {
    await t.api('POST', '/engine-rest/user/create', { profile: { id: 'kira', firstName: 'Kira', lastName: 'Yilmaz', email: 'kira@herne.test' }, credentials: { password: 'kira-secret-1' } });
    await t.api('POST', '/engine-rest/user/create', { profile: { id: 'koord', firstName: 'Kai', lastName: 'Koordination', email: 'koord@herne.test' }, credentials: { password: 'koord-secret-1' } });
    await t.api('PUT', '/engine-rest/group/cm-ki/members/kira');
    await t.api('PUT', '/engine-rest/group/kim-koordination/members/koord');
    await deploy(t.api, {
      'n.bpmn': bpmn('n', `
        <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="anmeldung"/>
        <bpmn:userTask id="anmeldung" name="Anmeldung prüfen" camunda:assignee="kira" camunda:dueDate="2026-03-15T08:00:00Z"/>
        <bpmn:sequenceFlow id="f1" sourceRef="anmeldung" targetRef="tell"/>
        <bpmn:serviceTask id="tell" camunda:type="external" camunda:topic="benachrichtigen"/>
        <bpmn:sequenceFlow id="f2" sourceRef="tell" targetRef="e"/><bpmn:endEvent id="e"/>`),
    });
    const inst = await start(t, 'n', { variables: { notifyGroup: { value: 'kim-koordination', type: 'String' }, notifyWhat: { value: 'Anmeldung beim Bürgerzentrum', type: 'String' }, escalationLevel: { value: 2, type: 'Integer' }, caseReference: { value: 'HH-0042', type: 'String' } } });
    const kira = t.api.as('kira', 'kira-secret-1');
    let inbox = (await kira('GET', '/api/notifications')).body;
    for (let i = 0; i < 20 && inbox.items.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      inbox = (await kira('GET', '/api/notifications')).body;
    }
    expect(inbox.unread).to.equal(1);
    expect(inbox.items[0].subject).to.be.a('string').and.to.match(/Aufgabe/);
    expect(inbox.items[0].body).to.contain('Anmeldung prüfen');

    const [task] = (await kira('GET', `/engine-rest/task?processInstanceId=${inst.id}`)).body;
    expect((await kira('POST', `/engine-rest/task/${task.id}/complete`, {})).status).to.equal(204);
    await t.service.scheduler.runDue();
    const koord = t.api.as('koord', 'koord-secret-1');
    const theirs = (await koord('GET', '/api/notifications')).body;
    expect(theirs.items).to.have.length(1);
    expect(theirs.items[0].body).to.contain('Anmeldung beim Bürgerzentrum').and.to.contain('HH-0042');
    // Kira sees only her own.
    expect((await kira('GET', '/api/notifications')).body.items).to.have.length(1);

    for (let i = 0; i < 40 && mails.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(mails.map((m) => m.to[0]).sort()).to.deep.equal(['kira@herne.test', 'koord@herne.test']);
    expect(mails.every((m) => /From: KIM Herne <kim@herne.test>/.test(m.raw))).to.equal(true);
  });
});
