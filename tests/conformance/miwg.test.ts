import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { FromXmlResult } from 'bpmn-moddle';
import { ParseError } from '../../src/errors.ts';
import type { ParsedDiagram } from '../../src/bpmn/model.ts';
import { parseDiagram } from '../../src/bpmn/parseDiagram.ts';
import { createModdle } from '../../src/bpmn/readXml.ts';

const miwgDir = new URL('../../../shared/conformance/miwg/', import.meta.url);
const available = existsSync(miwgDir);
const files = available ? readdirSync(miwgDir).filter((name) => name.endsWith('.bpmn')).sort() : [];

/**
 * MIWG files with an executable process this engine refuses, and why. No MIWG file has a script task;
 * these two fail on their conditions instead.
 */
const refused: Record<string, { fragment: string; elementId: string }> = {
  // Camunda 7 JUEL conditions (`${!approved}`, `${clarified == 'yes'}`) are not FEEL.
  'C.1.0.bpmn': { fragment: 'Invalid FEEL expression in conditionExpression of invoiceNotApproved: ${!approved}', elementId: 'invoiceNotApproved' },
  // The condition language is the DMN FEEL namespace URI; the engine only runs language="feel".
  'C.8.1.bpmn': {
    fragment: 'Condition language "https://www.omg.org/spec/DMN/20191111/FEEL/" is not allowed',
    elementId: '_0a1c4f20-509f-4aeb-baf9-acc762f4fdf9',
  },
};

/**
 * MIWG files moddle cannot write back: they bind the prefix `camunda` to the Activiti namespace, which clashes
 * with the registered camunda package; moddle-xml drops those attributes (with console warnings) and then
 * fails on the elements. Reading them is unaffected (parseDiagram warns with kim/activiti-namespace).
 */
const notWritable = new Set(['C.1.0.bpmn', 'C.1.1.bpmn']);

const CATEGORIES = ['error', 'warn', 'info'];

/** Process ids read straight from the XML text, independent of moddle: `<process id="…"` with any prefix. */
function processIdsInText(xml: string): string[] {
  const ids: string[] = [];
  for (const [tag] of xml.matchAll(/<(?:[\w-]+:)?process\b[^>]*>/g)) {
    const id = /\sid="([^"]*)"/.exec(tag);
    if (id) ids.push(id[1]);
  }
  return ids;
}

function elementsById(diagram: ParsedDiagram): Record<string, unknown> {
  return (diagram.moddleContext as FromXmlResult).elementsById;
}

async function refusalOf(xml: string): Promise<ParseError> {
  try {
    await parseDiagram(xml);
  } catch (err) {
    expect(err).to.be.instanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error('expected parseDiagram to refuse the diagram');
}

/** The diagram written back by moddle, read with the same setup as parseDiagram. */
async function writtenBack(xml: string): Promise<string> {
  const moddle = createModdle();
  const { rootElement } = await moddle.fromXML(xml);
  return (await moddle.toXML(rootElement, { format: true })).xml;
}

/** Runs `action` with console.warn muted (moddle-xml warns once per attribute it cannot write). */
async function withoutConsoleWarnings<T>(action: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => {};
  try {
    return await action();
  } finally {
    console.warn = warn;
  }
}

async function writeBackFailure(xml: string): Promise<Error> {
  try {
    await withoutConsoleWarnings(() => writtenBack(xml));
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected moddle to fail writing the diagram back');
}

(available ? describe : describe.skip)(`MIWG reference diagrams${available ? '' : ` (skipped: ${fileURLToPath(miwgDir)} is missing)`}`, () => {
  it('finds the reference diagrams', () => {
    expect(files.length).to.be.greaterThan(0);
  });

  for (const file of files) {
    describe(file, () => {
      const xml = available ? readFileSync(new URL(file, miwgDir), 'utf8') : '';
      const expectedRefusal = refused[file];

      if (expectedRefusal) {
        it('is refused, naming the element the engine cannot run', async () => {
          const err = await refusalOf(xml);
          expect(err.message).to.contain(expectedRefusal.fragment);
          expect(err.details?.elementId).to.equal(expectedRefusal.elementId);
        });

        if (notWritable.has(file)) {
          it('cannot be written back by moddle (camunda prefix bound to the Activiti namespace)', async () => {
            expect((await writeBackFailure(xml)).message).to.match(/no namespace uri given for prefix/);
          });
        } else {
          it('is refused the same way after moddle writes it back', async () => {
            const err = await refusalOf(await writtenBack(xml));
            expect(err.message).to.contain(expectedRefusal.fragment);
          });
        }
        return;
      }

      let parsed: ParsedDiagram;
      before(async () => {
        parsed = await parseDiagram(xml);
      });

      it('parses with the processes the XML declares', () => {
        const ids = processIdsInText(xml);
        expect(ids.length).to.be.greaterThan(0);
        expect(parsed.processes.map((process) => process.id)).to.deep.equal(ids);
        for (const process of parsed.processes) {
          expect(Object.keys(process.elements).length, `flow nodes of ${process.id}`).to.be.greaterThan(0);
        }
      });

      it('returns warnings as structured findings', () => {
        expect(parsed.warnings).to.be.an('array');
        for (const finding of parsed.warnings) {
          expect(finding.rule).to.be.a('string').and.not.equal('');
          expect(finding.message).to.be.a('string').and.not.equal('');
          expect(CATEGORIES).to.include(finding.category);
          if (finding.elementId !== undefined) expect(finding.elementId).to.be.a('string');
          expect(finding.rule).to.not.equal('lint');
        }
      });

      if (notWritable.has(file)) {
        it('cannot be written back by moddle (camunda prefix bound to the Activiti namespace)', async () => {
          expect((await writeBackFailure(xml)).message).to.match(/no namespace uri given for prefix/);
          expect(parsed.warnings.map((finding) => finding.rule)).to.include('kim/activiti-namespace');
        });
        return;
      }

      it('reads the same processes and elements after moddle writes it back', async () => {
        const again = await parseDiagram(await writtenBack(xml));
        expect(again.definitionsId).to.equal(parsed.definitionsId);
        expect(again.processes).to.deep.equal(parsed.processes);
        expect(Object.keys(elementsById(again)).sort()).to.deep.equal(Object.keys(elementsById(parsed)).sort());
      });
    });
  }
});
