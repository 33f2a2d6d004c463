import { expect } from 'chai';
import { calendarDay, dueText, formatDateTime } from '../../web/src/due.ts';
import { formJsMessage, formJsUiText, pathText, serverProblemText } from '../../web/src/messages.ts';
import { toPlain, toTyped, typed } from '../../web/src/variables.ts';
import { formProblems } from '../../src/forms/validateSubmission.ts';

/** The web app's pure functions (web/src), without a browser. */
describe('web app: due dates, messages and variables (unit)', () => {
  // 2026-03-02 09:00 in Herne (CET, UTC+1).
  const now = Date.parse('2026-03-02T08:00:00Z');

  describe('dueText', () => {
    const cases: Array<[string | null, string, string]> = [
      [null, 'ohne Frist', 'none'],
      ['not a date', 'ohne Frist', 'none'],
      ['2026-02-28T10:00:00Z', 'seit 2 Tagen überfällig', 'overdue'],
      ['2026-03-01T22:59:00Z', 'seit gestern überfällig', 'overdue'], // 23:59 on 1 March in Herne
      ['2026-03-02T07:00:00Z', 'seit heute überfällig', 'overdue'], // 08:00 today, an hour ago
      ['2026-03-02T22:59:59Z', 'heute fällig', 'today'], // 23:59:59 today
      ['2026-03-02T23:00:00Z', 'morgen fällig', 'soon'], // midnight in Herne is tomorrow
      ['2026-03-05T10:00:00Z', 'fällig in 3 Tagen', 'soon'],
      ['2026-03-06T10:00:00Z', 'fällig in 4 Tagen', 'later'],
      ['2026-01-31T12:00:00Z', 'seit 30 Tagen überfällig', 'overdue'],
    ];
    for (const [due, text, state] of cases) {
      it(`Given due ${due ?? 'none'} at 2026-03-02 09:00, then "${text}" (${state})`, () => {
        const d = dueText(due, now);
        expect(d.text).to.equal(text);
        expect(d.state).to.equal(state);
      });
    }

    it('Given Camunda\'s date format with +0000, then it is read like ISO 8601, with the exact time as a tooltip', () => {
      expect(dueText('2026-03-04T22:59:00.000+0000', now)).to.deep.equal({ text: 'fällig in 2 Tagen', state: 'soon', title: 'Fällig am 04.03.2026, 23:59 Uhr' });
    });

    it('Given the change to summer time, then days are still calendar days in Herne', () => {
      const beforeDst = Date.parse('2026-03-28T12:00:00Z'); // Saturday, CET
      expect(dueText('2026-03-29T21:59:00Z', beforeDst).text).to.equal('morgen fällig'); // 23:59 CEST on Sunday
      expect(dueText('2026-03-29T22:00:00Z', beforeDst).text).to.equal('fällig in 2 Tagen'); // 00:00 CEST on Monday
      expect(formatDateTime(Date.parse('2026-03-29T22:00:00Z'))).to.equal('30.03.2026, 00:00 Uhr');
      expect(calendarDay(Date.parse('2026-03-29T22:00:00Z')) - calendarDay(Date.parse('2026-03-29T21:59:00Z'))).to.equal(1);
    });
  });

  describe('messages', () => {
    it('Given every kind of problem the server reports, then each has a German text', () => {
      const schema = {
        components: [
          { type: 'textfield', key: 'name', label: 'Name', validate: { required: true } },
          { type: 'textfield', key: 'plz', label: 'PLZ', validate: { pattern: '^\\d{5}$', minLength: 5, maxLength: 5 } },
          { type: 'textfield', key: 'mail', validate: { validationType: 'email' } },
          { type: 'textfield', key: 'phone', validate: { validationType: 'phone' } },
          { type: 'number', key: 'n', validate: { min: 1, max: 3 }, decimalDigits: 0, increment: 1 },
          { type: 'number', key: 'x' },
          { type: 'checkbox', key: 'ok' },
          { type: 'select', key: 's', values: [{ value: 'A', label: 'A' }] },
          { type: 'checklist', key: 'c', values: [{ value: 'A', label: 'A' }] },
          { type: 'datetime', key: 'd', subtype: 'date' },
          { type: 'datetime', key: 't', subtype: 'time' },
          { type: 'datetime', key: 'dt', subtype: 'datetime' },
          { type: 'dynamiclist', path: 'persons', components: [{ type: 'textfield', key: 'givenName', validate: { required: true } }] },
        ],
      };
      const submitted = {
        name: { type: 'String', value: '' }, plz: { type: 'String', value: '123456' }, mail: { type: 'String', value: 'kein' },
        phone: { type: 'String', value: '0232' }, n: { type: 'Double', value: 3.5 }, x: { type: 'String', value: 'eins' },
        ok: { type: 'String', value: 'ja' }, s: { type: 'String', value: 'B' }, c: { type: 'Json', value: ['B'] },
        d: { type: 'String', value: '2026-02-30' }, t: { type: 'String', value: '25:00' }, dt: { type: 'String', value: 'morgen' },
        persons: { type: 'Json', value: [{ givenName: '' }, 'kein Objekt'] },
      };
      const problems = formProblems(schema as never, submitted, {});
      expect(problems.length).to.be.greaterThan(12);
      for (const p of problems) {
        const text = serverProblemText(p);
        expect(text, p.message).not.to.equal(p.message);
        expect(text, p.message).not.to.match(/\b(must|Field|required)\b/);
      }
      const byField = Object.fromEntries(problems.map((p) => [p.field, serverProblemText(p)]));
      expect(byField.name).to.equal('Pflichtfeld – bitte ausfüllen.');
      expect(byField['persons[0].givenName']).to.equal('Pflichtfeld – bitte ausfüllen.');
      expect(byField.d).to.equal('Bitte ein gültiges Datum eingeben.');
    });

    it('Given an unknown server message, then its own text is kept', () => {
      expect(serverProblemText({ field: 'a', message: 'Something new' })).to.equal('Something new');
    });

    it('Given form-js\'s own messages and interface texts, then they read German', () => {
      expect(formJsMessage('Field is required.')).to.equal('Pflichtfeld – bitte ausfüllen.');
      expect(formJsMessage('Field must have minimum length of 5.')).to.equal('Bitte mindestens 5 Zeichen eingeben.');
      expect(formJsMessage('Bitte die Aktenzahl angeben')).to.equal('Bitte die Aktenzahl angeben');
      expect(formJsUiText('Add new')).to.equal('Eintrag hinzufügen');
      expect(formJsUiText(' Expand all (3) ')).to.equal('Alle anzeigen (3)');
      expect(formJsUiText('Remove list item 2')).to.equal('Eintrag 2 entfernen');
      expect(formJsUiText('Olena')).to.equal(undefined);
    });

    it('Given form-js value paths, then they are written as the server names fields', () => {
      expect(pathText(['householdId'])).to.equal('householdId');
      expect(pathText(['address', 'street'])).to.equal('address.street');
      expect(pathText(['persons', 1, 'dateOfBirth'])).to.equal('persons[1].dateOfBirth');
    });
  });

  describe('variables', () => {
    it('Given form-variables, then Json given as text becomes data', () => {
      expect(toPlain({ a: { type: 'Json', value: '{"x":1}' }, b: { type: 'String', value: 'y' }, c: { type: 'Null', value: null }, d: { type: 'Json', value: [1] } })).to.deep.equal({ a: { x: 1 }, b: 'y', c: null, d: [1] });
    });

    it('Given form data, then it becomes Camunda typed variables, numbers keeping their earlier type when they fit', () => {
      expect(toTyped({ s: 'a', b: true, i: 3, d: 2.5, n: null, j: { x: 1 }, l: [1, 2] })).to.deep.equal({
        s: { type: 'String', value: 'a' }, b: { type: 'Boolean', value: true }, i: { type: 'Integer', value: 3 },
        d: { type: 'Double', value: 2.5 }, n: { type: 'Null', value: null }, j: { type: 'Json', value: '{"x":1}' }, l: { type: 'Json', value: '[1,2]' },
      });
      expect(typed(3, { type: 'Long', value: 1 })).to.deep.equal({ type: 'Long', value: 3 });
      expect(typed(3, { type: 'Double', value: 1.5 })).to.deep.equal({ type: 'Double', value: 3 });
      expect(typed(3.5, { type: 'Integer', value: 1 })).to.deep.equal({ type: 'Double', value: 3.5 });
      expect(typed(3_000_000_000)).to.deep.equal({ type: 'Long', value: 3_000_000_000 });
    });
  });
});
