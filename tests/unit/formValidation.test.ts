import { expect } from 'chai';
import { ValidationError } from '../../src/errors.ts';
import { FormSchemaError, parseFormSchema, type FormSchema } from '../../src/forms/formSchema.ts';
import { FormNotDeployed, FormNotUsable, FormResolver, deploymentFormName, type FormStore } from '../../src/forms/formResolver.ts';
import { formProblems, validateSubmission } from '../../src/forms/validateSubmission.ts';
import type { DeploymentRecord, ResourceRecord } from '../../src/store/store.ts';

/** The Ersterfassung form of the arrival procedure, as the Camunda Modeler's form editor writes it. */
const ERSTERFASSUNG: FormSchema = {
  type: 'default',
  id: 'ersterfassung',
  executionPlatform: 'Camunda Platform',
  executionPlatformVersion: '7.21.0',
  exporter: { name: 'Camunda Modeler', version: '5.25.0' },
  schemaVersion: 16,
  components: [
    { type: 'text', id: 'Text_1', text: '# Ersterfassung\nHaushalt und Personen bei Ankunft' },
    {
      type: 'group',
      id: 'Group_head',
      label: 'Haushaltsvorstand',
      showOutline: true,
      components: [
        { type: 'textfield', id: 'Field_givenName', key: 'givenName', label: 'Vorname', validate: { required: true, minLength: 2, maxLength: 100 } },
        { type: 'textfield', id: 'Field_familyName', key: 'familyName', label: 'Familienname', validate: { required: true, maxLength: 100 } },
        { type: 'datetime', id: 'Field_dob', key: 'dateOfBirth', subtype: 'date', dateLabel: 'Geburtsdatum', validate: { required: true } },
        { type: 'select', id: 'Field_nat', key: 'nationality', label: 'Staatsangehörigkeit', valuesKey: 'nationalities', searchable: true, validate: { required: true } },
        { type: 'textfield', id: 'Field_hh', key: 'householdId', label: 'Haushaltsnummer', validate: { pattern: '^HH-\\d{4,}$' } },
      ],
    },
    {
      type: 'select',
      id: 'Field_channel',
      key: 'arrivalChannel',
      label: 'Zugangsweg',
      values: [
        { label: 'Zuweisung (Land NRW)', value: 'ZUWEISUNG' },
        { label: 'Ukraine (§ 24 AufenthG)', value: 'UKRAINE_24' },
        { label: 'Sekundärzuzug', value: 'SEKUNDAER' },
        { label: 'EU-Freizügigkeit', value: 'EU' },
        { label: 'Familiennachzug', value: 'FAMILIENNACHZUG' },
      ],
      validate: { required: true },
    },
    { type: 'datetime', id: 'Field_arrival', key: 'arrivalDate', subtype: 'date', dateLabel: 'Ankunftsdatum', validate: { required: true } },
    { type: 'datetime', id: 'Field_time', key: 'appointmentTime', subtype: 'time', timeLabel: 'Uhrzeit Erstgespräch', use24h: true },
    { type: 'datetime', id: 'Field_at', key: 'followUpAt', subtype: 'datetime', dateLabel: 'Wiedervorlage' },
    { type: 'number', id: 'Field_size', key: 'householdSize', label: 'Haushaltsgröße', decimalDigits: 0, validate: { required: true, min: 1, max: 20 } },
    { type: 'checkbox', id: 'Field_interp', key: 'interpreterNeeded', label: 'Dolmetscher benötigt' },
    {
      type: 'taglist',
      id: 'Field_lang',
      key: 'languages',
      label: 'Sprachen',
      values: [
        { label: 'Deutsch', value: 'de' },
        { label: 'Ukrainisch', value: 'uk' },
        { label: 'Russisch', value: 'ru' },
        { label: 'Arabisch', value: 'ar' },
        { label: 'Farsi', value: 'fa' },
        { label: 'Türkisch', value: 'tr' },
      ],
      conditional: { hide: '=interpreterNeeded != true' },
      validate: { required: true },
    },
    {
      type: 'radio',
      id: 'Field_acc',
      key: 'accommodationType',
      label: 'Unterbringung',
      values: [
        { label: 'Landeseinrichtung', value: 'LANDESEINRICHTUNG' },
        { label: 'Städtische Unterkunft', value: 'STAEDTISCH' },
        { label: 'Wohnung', value: 'WOHNUNG' },
      ],
    },
    {
      type: 'group',
      id: 'Group_address',
      label: 'Anschrift',
      path: 'address',
      conditional: { hide: '=accommodationType != "WOHNUNG"' },
      components: [
        { type: 'textfield', id: 'Field_street', key: 'street', label: 'Straße', validate: { required: true } },
        { type: 'textfield', id: 'Field_zip', key: 'postalCode', label: 'PLZ', validate: { pattern: '^446\\d{2}$' } },
      ],
    },
    {
      type: 'checklist',
      id: 'Field_needs',
      key: 'needs',
      label: 'Bedarfe',
      values: [
        { label: 'Sprachkurs', value: 'SPRACHKURS' },
        { label: 'Kita', value: 'KITA' },
        { label: 'Schule', value: 'SCHULE' },
        { label: 'Arbeit', value: 'ARBEIT' },
      ],
    },
    { type: 'textfield', id: 'Field_mail', key: 'contactEmail', label: 'E-Mail', validate: { validationType: 'email' } },
    { type: 'textfield', id: 'Field_phone', key: 'contactPhone', label: 'Telefon', validate: { validationType: 'phone' } },
    { type: 'textarea', id: 'Field_notes', key: 'notes', label: 'Bemerkungen', validate: { maxLength: 500 } },
    { type: 'checkbox', id: 'Field_consent', key: 'consentDataProcessing', label: 'Einwilligung Datenverarbeitung', validate: { required: true } },
    { type: 'textfield', id: 'Field_case', key: 'caseNumber', label: 'Aktenzeichen', disabled: true, validate: { required: true } },
    { type: 'textfield', id: 'Field_status', key: 'residenceStatus', label: 'Aufenthaltsstatus', readonly: true, validate: { required: true } },
    {
      type: 'dynamiclist',
      id: 'List_persons',
      path: 'persons',
      label: 'Personen im Haushalt',
      isRepeating: true,
      allowAddRemove: true,
      defaultRepetitions: 1,
      components: [
        { type: 'textfield', id: 'P_given', key: 'givenName', label: 'Vorname', validate: { required: true } },
        { type: 'datetime', id: 'P_dob', key: 'dateOfBirth', subtype: 'date', dateLabel: 'Geburtsdatum', validate: { required: true } },
        {
          type: 'select',
          id: 'P_rel',
          key: 'relationship',
          label: 'Beziehung',
          values: [
            { label: 'Ehepartner/in', value: 'PARTNER' },
            { label: 'Kind', value: 'KIND' },
            { label: 'Sonstige', value: 'SONSTIGE' },
          ],
        },
        { type: 'textfield', id: 'P_school', key: 'school', label: 'Schule', validate: { required: true }, conditional: { hide: '=relationship != "KIND"' } },
      ],
    },
    { type: 'separator', id: 'Sep_1' },
    { type: 'button', id: 'Button_submit', key: 'submit', label: 'Speichern', action: 'submit' },
  ],
};

type Typed = Record<string, { type: string; value: unknown }>;

const s = (value: string) => ({ type: 'String', value });
const json = (value: unknown) => ({ type: 'Json', value });

/** A complete, valid submission. */
function valid(): Typed {
  return {
    givenName: s('Olena'),
    familyName: s('Kovalenko'),
    dateOfBirth: s('1988-04-12'),
    nationality: s('UKR'),
    householdId: s('HH-2026'),
    arrivalChannel: s('UKRAINE_24'),
    arrivalDate: s('2026-03-01'),
    householdSize: { type: 'Integer', value: 3 },
    interpreterNeeded: { type: 'Boolean', value: true },
    languages: json(['uk', 'ru']),
    accommodationType: s('STAEDTISCH'),
    consentDataProcessing: { type: 'Boolean', value: true },
    persons: json([
      { givenName: 'Olena', dateOfBirth: '1988-04-12' },
      { givenName: 'Taras', dateOfBirth: '2015-09-01', relationship: 'KIND', school: 'Grundschule Sodingen' },
    ]),
  };
}

const EXISTING = { residenceStatus: '§ 24 AufenthG', nationalities: [{ label: 'Ukraine', value: 'UKR' }] };

function problems(submitted: Typed, existing: Record<string, unknown> = EXISTING) {
  return formProblems(ERSTERFASSUNG, submitted, existing);
}

function fails(submitted: Typed, existing: Record<string, unknown> = EXISTING): ValidationError {
  try {
    validateSubmission(ERSTERFASSUNG, submitted, existing);
  } catch (err) {
    expect(err).to.be.instanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error('expected the submission to be rejected');
}

function fields(submitted: Typed, existing: Record<string, unknown> = EXISTING): string[] {
  return problems(submitted, existing).map((p) => p.field);
}

function withOut(...keys: string[]): Typed {
  const v = valid();
  for (const k of keys) delete v[k];
  return v;
}

describe('forms: schema', () => {
  it('accepts the Ersterfassung form (JSON text or object) and keeps it as written', () => {
    const text = JSON.stringify(ERSTERFASSUNG);
    expect(parseFormSchema(text, 'ersterfassung.form')).to.deep.equal(ERSTERFASSUNG);
    expect(parseFormSchema(ERSTERFASSUNG)).to.equal(ERSTERFASSUNG);
    expect(parseFormSchema(Buffer.from(text))).to.deep.equal(ERSTERFASSUNG);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['not JSON', '{"components": [', /not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['null', 'null', /must be a JSON object/],
    ['a string', '"form"', /must be a JSON object/],
    ['without components', { type: 'default', id: 'x' }, /no 'components' array/],
    ['components not an array', { components: {} }, /no 'components' array/],
    ['a component that is not an object', { components: ['textfield'] }, /components\[0\] must be an object/],
    ['a component without type', { components: [{ key: 'a' }] }, /components\[0\] has no 'type'/],
    ['a keyed field without key', { components: [{ type: 'textfield', label: 'Vorname' }] }, /\(textfield\) has no valid 'key'/],
    ['a key with an empty segment', { components: [{ type: 'number', key: 'a..b' }] }, /has no valid 'key'/],
    ['a dynamic list without path', { components: [{ type: 'dynamiclist', components: [] }] }, /\(dynamiclist\) has no valid 'path'/],
    ['nested components not an array', { components: [{ type: 'group', components: 'x' }] }, /'components' that is not an array/],
    ['a nested error', { components: [{ type: 'group', components: [{ type: 'select', key: 'a', values: [{ label: 'x' }] }] }] }, /components\[0\]\.components\[0\] \(select\) has an option 0 without 'value'/],
    ['values not an array', { components: [{ type: 'radio', key: 'a', values: {} }] }, /'values' that is not an array/],
    ['an unknown datetime subtype', { components: [{ type: 'datetime', key: 'a', subtype: 'week' }] }, /unknown subtype 'week'/],
    ['validate not an object', { components: [{ type: 'textfield', key: 'a', validate: true }] }, /'validate' that is not an object/],
    ['a non-numeric min', { components: [{ type: 'number', key: 'a', validate: { min: 'eins' } }] }, /non-numeric validate\.min/],
    ['an invalid pattern', { components: [{ type: 'textfield', key: 'a', validate: { pattern: '([a-z' } }] }, /invalid validate\.pattern/],
  ];
  for (const [what, input, message] of bad) {
    it(`rejects a form that is ${what} (FormSchemaError, 400)`, () => {
      let caught: unknown;
      try {
        parseFormSchema(typeof input === 'string' ? input : JSON.stringify(input), 'x.form');
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(FormSchemaError);
      expect((caught as FormSchemaError).status).to.equal(400);
      expect((caught as Error).message).to.match(message);
    });
  }

  it('allows FEEL in min/max/minLength/maxLength and keyless layout components', () => {
    expect(() => parseFormSchema({ components: [{ type: 'number', key: 'a', validate: { min: '=minimum', max: 5 } }, { type: 'spacer' }, { type: 'text', text: 'x' }] })).not.to.throw();
  });
});

describe('forms: validating a submission', () => {
  it('accepts a complete, valid Ersterfassung', () => {
    expect(problems(valid())).to.deep.equal([]);
    expect(() => validateSubmission(ERSTERFASSUNG, valid(), EXISTING)).not.to.throw();
  });

  describe('required', () => {
    it("a missing required field: 400 naming the field and its label, in English", () => {
      const err = fails(withOut('givenName'));
      expect(err.status).to.equal(400);
      expect(err.message).to.equal("Field 'givenName' (Vorname) is required");
      expect(err.details).to.deep.equal({ field: 'givenName', problems: [{ field: 'givenName', label: 'Vorname', message: "Field 'givenName' (Vorname) is required" }] });
    });

    it('null, empty text and an empty list count as missing', () => {
      expect(fields({ ...valid(), givenName: { type: 'Null', value: null } })).to.deep.equal(['givenName']);
      expect(fields({ ...valid(), familyName: s('') })).to.deep.equal(['familyName']);
      expect(fields({ ...valid(), languages: json([]) })).to.deep.equal(['languages']);
    });

    it('lists every problem, the first in details.field', () => {
      const err = fails(withOut('givenName', 'arrivalChannel', 'householdSize'));
      expect(err.message).to.match(/^3 form fields are invalid: /);
      expect(err.details!.field).to.equal('givenName');
      expect((err.details!.problems as Array<{ field: string }>).map((p) => p.field)).to.deep.equal(['givenName', 'arrivalChannel', 'householdSize']);
      expect(err.message).to.contain("Field 'arrivalChannel' (Zugangsweg) is required").and.to.contain("Field 'householdSize' (Haushaltsgröße) is required");
    });

    it('a datetime field is named by its dateLabel', () => {
      expect(fails(withOut('arrivalDate')).message).to.equal("Field 'arrivalDate' (Ankunftsdatum) is required");
    });

    it('a value the instance already has satisfies required: a client may submit only what changed', () => {
      const existing = { ...EXISTING, givenName: 'Olena', arrivalChannel: 'ZUWEISUNG' };
      expect(problems(withOut('givenName', 'arrivalChannel'), existing)).to.deep.equal([]);
    });

    it('clearing a required value the instance has is rejected (required = a value after completion)', () => {
      const existing = { ...EXISTING, givenName: 'Olena' };
      expect(fields({ ...valid(), givenName: { type: 'Null', value: null } }, existing)).to.deep.equal(['givenName']);
      expect(fields({ ...valid(), givenName: s('') }, existing)).to.deep.equal(['givenName']);
    });

    it('a required checkbox must be ticked (false is missing), an optional one may be false', () => {
      expect(fields({ ...valid(), consentDataProcessing: { type: 'Boolean', value: false } })).to.deep.equal(['consentDataProcessing']);
      expect(fields(withOut('consentDataProcessing'))).to.deep.equal(['consentDataProcessing']);
      expect(problems({ ...valid(), interpreterNeeded: { type: 'Boolean', value: false }, languages: json([]) })).to.deep.equal([]);
    });

    it('disabled fields are not checked at all; readonly fields are not required but type-checked', () => {
      // caseNumber is disabled and required: never required. residenceStatus is readonly and required.
      expect(problems(valid(), {})).to.deep.equal([]);
      expect(fields({ ...valid(), caseNumber: { type: 'Integer', value: 7 } })).to.deep.equal([]);
      expect(fields({ ...valid(), residenceStatus: { type: 'Integer', value: 7 } })).to.deep.equal(['residenceStatus']);
    });
  });

  describe('types and constraints', () => {
    it('text fields take strings only', () => {
      const p = problems({ ...valid(), familyName: { type: 'Integer', value: 42 } });
      expect(p).to.have.length(1);
      expect(p[0].field).to.equal('familyName');
      expect(p[0].message).to.equal("Field 'familyName' (Familienname) must be a text (got 42)");
      expect(fields({ ...valid(), notes: { type: 'Boolean', value: true } })).to.deep.equal(['notes']);
      expect(fields({ ...valid(), notes: json({ a: 1 }) })).to.deep.equal(['notes']);
    });

    it('minLength/maxLength count the trimmed text (as form-js)', () => {
      expect(fields({ ...valid(), givenName: s('O') })).to.deep.equal(['givenName']);
      expect(fields({ ...valid(), givenName: s('  O  ') })).to.deep.equal(['givenName']);
      expect(fields({ ...valid(), givenName: s('Ol') })).to.deep.equal([]);
      expect(fields({ ...valid(), givenName: s('x'.repeat(101)) })).to.deep.equal(['givenName']);
      expect(fields({ ...valid(), givenName: s('x'.repeat(100)) })).to.deep.equal([]);
      expect(problems({ ...valid(), givenName: s('O') })[0].message).to.equal("Field 'givenName' (Vorname) must have at least 2 characters");
      expect(fields({ ...valid(), notes: s('n'.repeat(501)) })).to.deep.equal(['notes']);
    });

    it('pattern (a JavaScript regex, anchored only if it says so)', () => {
      expect(fields({ ...valid(), householdId: s('HH-12') })).to.deep.equal(['householdId']);
      expect(fields({ ...valid(), householdId: s('X-HH-1234') })).to.deep.equal(['householdId']);
      expect(fields({ ...valid(), householdId: s('HH-12345') })).to.deep.equal([]);
      expect(problems({ ...valid(), householdId: s('12') })[0].message).to.equal("Field 'householdId' (Haushaltsnummer) must match the pattern ^HH-\\d{4,}$");
      const unanchored: FormSchema = { components: [{ type: 'textfield', key: 'code', validate: { pattern: '[0-9]' } }] };
      expect(formProblems(unanchored, { code: s('abc1') }, {})).to.deep.equal([]);
      expect(formProblems(unanchored, { code: s('abc') }, {}).map((p) => p.field)).to.deep.equal(['code']);
    });

    it('validationType email and phone', () => {
      expect(fields({ ...valid(), contactEmail: s('olena@example.org') })).to.deep.equal([]);
      expect(fields({ ...valid(), contactEmail: s('olena(at)example.org') })).to.deep.equal(['contactEmail']);
      expect(fields({ ...valid(), contactPhone: s('+4923231234567') })).to.deep.equal([]);
      expect(fields({ ...valid(), contactPhone: s('004923231234567') })).to.deep.equal([]);
      expect(fields({ ...valid(), contactPhone: s('02323 1234567') })).to.deep.equal(['contactPhone']);
    });

    it('an empty optional value passes (null or empty text)', () => {
      expect(problems({ ...valid(), contactEmail: s(''), householdId: { type: 'Null', value: null }, accommodationType: s('') })).to.deep.equal([]);
    });

    it('number fields take Integer/Long/Double values in min..max', () => {
      expect(fields({ ...valid(), householdSize: { type: 'Long', value: 20 } })).to.deep.equal([]);
      expect(fields({ ...valid(), householdSize: { type: 'Integer', value: 0 } })).to.deep.equal(['householdSize']);
      expect(fields({ ...valid(), householdSize: { type: 'Integer', value: 21 } })).to.deep.equal(['householdSize']);
      expect(problems({ ...valid(), householdSize: { type: 'Integer', value: 21 } })[0].message).to.equal("Field 'householdSize' (Haushaltsgröße) must be at most 20");
      expect(problems({ ...valid(), householdSize: { type: 'Integer', value: 0 } })[0].message).to.equal("Field 'householdSize' (Haushaltsgröße) must be at least 1");
      expect(fields({ ...valid(), householdSize: s('3') })).to.deep.equal(['householdSize']);
      expect(problems({ ...valid(), householdSize: s('3') })[0].message).to.match(/must be a number \(got "3"\)/);
      expect(fields({ ...valid(), householdSize: { type: 'Boolean', value: true } })).to.deep.equal(['householdSize']);
    });

    it('decimalDigits, increment, serializeToString and FEEL limits', () => {
      expect(problems({ ...valid(), householdSize: { type: 'Double', value: 2.5 } })[0].message).to.equal("Field 'householdSize' (Haushaltsgröße) must be a whole number");
      const form: FormSchema = {
        components: [
          { type: 'number', key: 'amount', label: 'Betrag', decimalDigits: 2, increment: '0.5', serializeToString: true, validate: { min: '=minimum', max: '=maximum' } },
        ],
      };
      expect(formProblems(form, { amount: s('12.5') }, { minimum: 10 })).to.deep.equal([]);
      expect(formProblems(form, { amount: { type: 'Double', value: 12.5 } }, { minimum: 10 })).to.deep.equal([]);
      expect(formProblems(form, { amount: s('12.25') }, { minimum: 10 }).map((p) => p.message)).to.deep.equal(["Field 'amount' (Betrag) must be a multiple of 0.5"]);
      expect(formProblems(form, { amount: s('12.125') }, { minimum: 10 }).map((p) => p.message)).to.include("Field 'amount' (Betrag) must have at most 2 decimal digits");
      expect(formProblems(form, { amount: s('9.5') }, { minimum: 10 }).map((p) => p.message)).to.deep.equal(["Field 'amount' (Betrag) must be at least 10"]);
      // The FEEL limit reads submitted variables too; a limit that does not evaluate to a number is no limit.
      expect(formProblems(form, { amount: s('30'), maximum: { type: 'Integer', value: 20 } }, {}).map((p) => p.field)).to.deep.equal(['amount']);
      expect(formProblems(form, { amount: s('zwölf') }, {}).map((p) => p.field)).to.deep.equal(['amount']);
    });

    it('checkbox fields take booleans', () => {
      expect(fields({ ...valid(), interpreterNeeded: s('true') })).to.deep.equal(['interpreterNeeded']);
      expect(problems({ ...valid(), interpreterNeeded: s('ja') })[0].message).to.equal("Field 'interpreterNeeded' (Dolmetscher benötigt) must be true or false (got \"ja\")");
    });

    it('select: one of the listed values, naming them', () => {
      const p = problems({ ...valid(), arrivalChannel: s('ASYL') });
      expect(p.map((x) => x.field)).to.deep.equal(['arrivalChannel']);
      expect(p[0].message).to.equal("Field 'arrivalChannel' (Zugangsweg) must be one of ZUWEISUNG, UKRAINE_24, SEKUNDAER, EU, FAMILIENNACHZUG (got \"ASYL\")");
      expect(fields({ ...valid(), arrivalChannel: s('ukraine_24') })).to.deep.equal(['arrivalChannel']);
      expect(fields({ ...valid(), arrivalChannel: json(['EU']) })).to.deep.equal(['arrivalChannel']);
      for (const ok of ['ZUWEISUNG', 'UKRAINE_24', 'SEKUNDAER', 'EU', 'FAMILIENNACHZUG']) expect(fields({ ...valid(), arrivalChannel: s(ok) })).to.deep.equal([]);
    });

    it('select with dynamic options (valuesKey/valuesExpression): any single value', () => {
      expect(fields({ ...valid(), nationality: s('SYR') })).to.deep.equal([]);
      expect(fields({ ...valid(), nationality: json({ code: 'SYR' }) })).to.deep.equal(['nationality']);
      const form: FormSchema = { components: [{ type: 'radio', key: 'team', valuesExpression: '=teams' }] };
      expect(formProblems(form, { team: s('anything') }, {})).to.deep.equal([]);
    });

    it('radio: one of the listed values', () => {
      expect(fields({ ...valid(), accommodationType: s('ZELT') })).to.deep.equal(['accommodationType']);
    });

    it('taglist/checklist: a list whose items are all allowed', () => {
      expect(fields({ ...valid(), languages: s('uk') })).to.deep.equal(['languages']);
      expect(problems({ ...valid(), languages: s('uk') })[0].message).to.equal("Field 'languages' (Sprachen) must be a list (got \"uk\")");
      expect(problems({ ...valid(), languages: json(['uk', 'klingonisch']) })[0].message).to.equal("Field 'languages' (Sprachen) may only contain de, uk, ru, ar, fa, tr (got \"klingonisch\")");
      expect(fields({ ...valid(), needs: json(['KITA', 'SCHULE']) })).to.deep.equal([]);
      expect(fields({ ...valid(), needs: json(['KITA', 'WOHNUNG']) })).to.deep.equal(['needs']);
      expect(fields({ ...valid(), needs: json([]) })).to.deep.equal([]);
    });

    it('datetime date: YYYY-MM-DD, a real day', () => {
      expect(fields({ ...valid(), arrivalDate: s('2026-02-30') })).to.deep.equal(['arrivalDate']);
      expect(fields({ ...valid(), arrivalDate: s('01.03.2026') })).to.deep.equal(['arrivalDate']);
      expect(fields({ ...valid(), arrivalDate: s('2026-03-01T08:00:00Z') })).to.deep.equal(['arrivalDate']);
      expect(fields({ ...valid(), arrivalDate: { type: 'Date', value: '2024-02-29' } })).to.deep.equal([]);
      expect(fields({ ...valid(), arrivalDate: { type: 'Integer', value: 20260301 } })).to.deep.equal(['arrivalDate']);
      expect(problems({ ...valid(), arrivalDate: s('1.3.26') })[0].message).to.equal("Field 'arrivalDate' (Ankunftsdatum) must be a date (YYYY-MM-DD) (got \"1.3.26\")");
    });

    it('datetime time: HH:MM (seconds and an offset as form-js writes them allowed)', () => {
      for (const ok of ['09:30', '23:59', '09:30:15', '09:30Z', '09:30+01:00']) expect(fields({ ...valid(), appointmentTime: s(ok) }), ok).to.deep.equal([]);
      for (const bad of ['24:00', '9:30', '09:60', 'halb zehn']) expect(fields({ ...valid(), appointmentTime: s(bad) }), bad).to.deep.equal(['appointmentTime']);
    });

    it('datetime datetime: ISO 8601 date and time', () => {
      for (const ok of ['2026-03-15T09:30Z', '2026-03-15T09:30:00.000Z', '2026-03-15T09:30+01:00', '2026-03-15T09:30']) expect(fields({ ...valid(), followUpAt: s(ok) }), ok).to.deep.equal([]);
      for (const bad of ['2026-03-15', '2026-02-30T09:30Z', '15.03.2026 09:30']) expect(fields({ ...valid(), followUpAt: s(bad) }), bad).to.deep.equal(['followUpAt']);
    });

    it('values the process set earlier are not type-checked, only what is submitted', () => {
      const existing = { ...EXISTING, notes: 42, arrivalChannel: 'ALT' };
      expect(problems(withOut('arrivalChannel'), existing)).to.deep.equal([]);
    });
  });

  describe('dynamic list', () => {
    it('checks each item with the child fields, naming the item', () => {
      const p = problems({ ...valid(), persons: json([{ givenName: 'Olena', dateOfBirth: '1988-04-12' }, { givenName: 'Taras' }, { givenName: 7, dateOfBirth: '2019-13-01' }]) });
      expect(p.map((x) => x.field)).to.deep.equal(['persons[1].dateOfBirth', 'persons[2].givenName', 'persons[2].dateOfBirth']);
      expect(p[0].message).to.equal("Field 'persons[1].dateOfBirth' (Geburtsdatum) is required");
    });

    it('allowed values inside items', () => {
      expect(fields({ ...valid(), persons: json([{ givenName: 'Olena', dateOfBirth: '1988-04-12', relationship: 'ONKEL' }]) })).to.deep.equal(['persons[0].relationship']);
    });

    it('conditions inside an item read the item (school only for a child)', () => {
      expect(fields({ ...valid(), persons: json([{ givenName: 'Taras', dateOfBirth: '2015-09-01', relationship: 'KIND' }]) })).to.deep.equal(['persons[0].school']);
      expect(fields({ ...valid(), persons: json([{ givenName: 'Ivan', dateOfBirth: '1985-01-01', relationship: 'PARTNER' }]) })).to.deep.equal([]);
    });

    it('the list must be a list of objects; an absent or empty list has no items to check', () => {
      expect(fields({ ...valid(), persons: s('Olena') })).to.deep.equal(['persons']);
      expect(fields({ ...valid(), persons: json(['Olena']) })).to.deep.equal(['persons[0]']);
      expect(fields(withOut('persons'))).to.deep.equal([]);
      expect(fields({ ...valid(), persons: json([]) })).to.deep.equal([]);
    });

    it('an existing list (not submitted) still needs its required values, but is not type-checked', () => {
      expect(fields(withOut('persons'), { ...EXISTING, persons: [{ givenName: 'Olena' }] })).to.deep.equal(['persons[0].dateOfBirth']);
      expect(fields(withOut('persons'), { ...EXISTING, persons: [{ givenName: 'Olena', dateOfBirth: 'gestern' }] })).to.deep.equal([]);
    });
  });

  describe('conditions, groups, paths', () => {
    it('a hidden field is not required (languages only with an interpreter)', () => {
      expect(fields({ ...valid(), interpreterNeeded: { type: 'Boolean', value: false }, languages: { type: 'Null', value: null } })).to.deep.equal([]);
      expect(fields({ ...withOut('interpreterNeeded', 'languages') })).to.deep.equal([]);
      expect(fields({ ...valid(), languages: { type: 'Null', value: null } })).to.deep.equal(['languages']);
    });

    it('a hidden field is not checked at all (form-js neither validates nor submits it)', () => {
      expect(fields({ ...valid(), interpreterNeeded: { type: 'Boolean', value: false }, languages: json(['klingonisch']) })).to.deep.equal([]);
    });

    it('conditions read the instance variables when the submission does not carry them', () => {
      expect(fields(withOut('interpreterNeeded', 'languages'), { ...EXISTING, interpreterNeeded: true })).to.deep.equal(['languages']);
      // submitted values win over the instance's
      expect(fields({ ...withOut('languages'), interpreterNeeded: { type: 'Boolean', value: false } }, { ...EXISTING, interpreterNeeded: true })).to.deep.equal([]);
    });

    it('a condition that fails to evaluate counts as not hidden', () => {
      const form: FormSchema = { components: [{ type: 'textfield', key: 'a', label: 'A', validate: { required: true }, conditional: { hide: '=b +' } }] };
      expect(formProblems(form, {}, {}).map((p) => p.field)).to.deep.equal(['a']);
    });

    it('a group with a path nests its fields; hidden with the group, checked when shown', () => {
      // hidden unless accommodationType = WOHNUNG
      expect(fields(valid())).to.deep.equal([]);
      const wohnung = { ...valid(), accommodationType: s('WOHNUNG') };
      expect(fields(wohnung)).to.deep.equal(['address.street']);
      expect(problems(wohnung)[0].message).to.equal("Field 'address.street' (Straße) is required");
      expect(fields({ ...wohnung, address: json({ street: 'Hauptstraße 1', postalCode: '44623' }) })).to.deep.equal([]);
      expect(fields({ ...wohnung, address: json({ street: 'Hauptstraße 1', postalCode: '10115' }) })).to.deep.equal(['address.postalCode']);
    });

    it('a group without a path keeps its fields at top level', () => {
      expect(fields({ ...valid(), givenName: s('O') })).to.deep.equal(['givenName']);
    });

    it('dotted keys are paths into a Json variable', () => {
      const form: FormSchema = { components: [{ type: 'number', key: 'household.size', label: 'Größe', validate: { required: true, max: 20 } }] };
      expect(formProblems(form, { household: json({ size: 4 }) }, {})).to.deep.equal([]);
      expect(formProblems(form, { household: json({ size: 40 }) }, {}).map((p) => p.field)).to.deep.equal(['household.size']);
      expect(formProblems(form, { household: json({}) }, {}).map((p) => p.message)).to.deep.equal(["Field 'household.size' (Größe) is required"]);
    });
  });

  it('variables that are not form fields are allowed (processes set their own)', () => {
    expect(problems({ ...valid(), escalationLevel: { type: 'Integer', value: 2 }, entscheidung: s('ok') })).to.deep.equal([]);
  });

  it('expression, filepicker and custom components: only required is checked', () => {
    const form: FormSchema = {
      components: [
        { type: 'expression', key: 'total', expression: '=a + b', computeOn: 'presubmit' },
        { type: 'filepicker', key: 'upload', label: 'Dokument', validate: { required: true } },
        { type: 'x-signature', key: 'signature' },
      ],
    };
    expect(formProblems(form, { total: json({ x: 1 }), upload: s('doc-1'), signature: { type: 'Integer', value: 1 } }, {})).to.deep.equal([]);
    expect(formProblems(form, {}, {}).map((p) => p.field)).to.deep.equal(['upload']);
  });

  it('caps the list of problems', () => {
    const items = Array.from({ length: 150 }, () => ({}));
    const p = problems({ ...valid(), persons: json(items) });
    expect(p).to.have.length(101);
    expect(p[100]).to.deep.equal({ field: '*', message: '... and 200 more problems' });
  });
});

describe('forms: resolving a task form', () => {
  const form = JSON.stringify({ components: [{ type: 'textfield', key: 'a', validate: { required: true } }] });
  const deployments: DeploymentRecord[] = [
    { id: 'd1', name: 'processes', source: 'kim-engine startup', deploymentTime: '2026-03-01T08:00:00.000Z', tenantId: null },
    { id: 'd2', name: 'processes', source: 'kim-engine startup', deploymentTime: '2026-03-02T08:00:00.000Z', tenantId: null },
    { id: 'd3', name: 'processes', source: 'kim-engine startup', deploymentTime: '2026-03-03T08:00:00.000Z', tenantId: null },
    { id: 'api', name: 'api', source: null, deploymentTime: '2026-03-04T08:00:00.000Z', tenantId: null },
    { id: 'nested', name: 'nested', source: null, deploymentTime: '2026-03-04T08:00:00.000Z', tenantId: null },
  ];
  const resource = (deploymentId: string, name: string, content = form): ResourceRecord => ({ id: `${deploymentId}/${name}`, deploymentId, name, content, hash: '' });
  const resources: ResourceRecord[] = [
    resource('d1', 'p.bpmn', '<xml/>'),
    resource('d1', 'x.form'),
    resource('d1', 'broken.form', '{"type":"default"}'),
    resource('d2', 'p.bpmn', '<xml/>'),
    resource('d3', 'p.bpmn', '<xml/>'),
    resource('d3', 'x.form', JSON.stringify({ components: [] })),
    resource('api', 'p.bpmn', '<xml/>'),
    resource('nested', 'forms/x.form'),
  ];
  function store(calls: string[] = []): FormStore {
    return {
      getDefinition: async (id: string) => ({ id, deploymentId: id.split(':')[0] }) as never,
      getResources: async (deploymentId: string) => {
        calls.push(deploymentId);
        return resources.filter((r) => r.deploymentId === deploymentId);
      },
      getDeployment: async (id: string) => deployments.find((d) => d.id === id),
      findDeployments: async (q) =>
        deployments.filter((d) => !q.source || d.source === q.source).sort((a, b) => b.deploymentTime.localeCompare(a.deploymentTime)),
    };
  }
  const task = (deployment: string, formKey: string | null) => ({ formKey, definitionId: `${deployment}:p:1`, taskDefinitionKey: 'ersterfassung' });

  it('reads the form name from camunda-forms:deployment: keys only', () => {
    expect(deploymentFormName('camunda-forms:deployment:ersterfassung.form')).to.equal('ersterfassung.form');
    expect(deploymentFormName('camunda-forms:app:forms/x.form')).to.equal(undefined);
    expect(deploymentFormName('embedded:deployment:x.html')).to.equal(undefined);
    expect(deploymentFormName('camunda-forms:deployment:')).to.equal(undefined);
    expect(deploymentFormName(null)).to.equal(undefined);
  });

  it("finds the form in the definition's deployment, parsed, and caches it", async () => {
    const calls: string[] = [];
    const r = new FormResolver(store(calls));
    const f = await r.resolve(task('d1', 'camunda-forms:deployment:x.form'));
    expect(f!.resource.deploymentId).to.equal('d1');
    expect(f!.schema.components).to.have.length(1);
    expect(f!.content).to.equal(form);
    expect(await r.resolve(task('d1', 'camunda-forms:deployment:x.form'))).to.equal(f);
    expect(calls).to.deep.equal(['d1']);
  });

  it('other form keys: no form (no validation)', async () => {
    const r = new FormResolver(store());
    expect(await r.resolve(task('d1', null))).to.equal(undefined);
    expect(await r.resolve(task('d1', 'camunda-forms:app:x.form'))).to.equal(undefined);
    expect(await r.resolve(task('d1', 'app:tasklist/x.html'))).to.equal(undefined);
  });

  it('deploy-changed-only: an unchanged form comes from the newest earlier deployment of the same source', async () => {
    const r = new FormResolver(store());
    expect((await r.resolve(task('d2', 'camunda-forms:deployment:x.form')))!.resource.deploymentId).to.equal('d1');
    expect((await r.resolve(task('d3', 'camunda-forms:deployment:x.form')))!.resource.deploymentId).to.equal('d3');
  });

  it('a resource deployed in a folder is found by its file name', async () => {
    expect((await new FormResolver(store()).resolve(task('nested', 'camunda-forms:deployment:x.form')))!.resource.name).to.equal('forms/x.form');
  });

  it('a form that is not deployed: 409 naming the form and the task', async () => {
    for (const t of [task('d1', 'camunda-forms:deployment:missing.form'), task('api', 'camunda-forms:deployment:x.form')]) {
      let caught: unknown;
      try {
        await new FormResolver(store()).resolve(t);
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(FormNotDeployed);
      expect((caught as FormNotDeployed).status).to.equal(409);
    }
    try {
      await new FormResolver(store()).resolve(task('d1', 'camunda-forms:deployment:missing.form'));
    } catch (err) {
      expect((err as Error).message).to.equal('Form missing.form referenced by task ersterfassung is not deployed');
    }
  });

  it('a deployed form that is not a usable schema: 409', async () => {
    let caught: unknown;
    try {
      await new FormResolver(store()).resolve(task('d1', 'camunda-forms:deployment:broken.form'));
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(FormNotUsable);
    expect((caught as Error).message).to.match(/^Form broken\.form referenced by task ersterfassung is not a usable form: .*no 'components' array/);
  });
});
