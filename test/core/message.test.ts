import { describe, expect, it } from 'vitest';
import {
  actor,
  decodeMessage,
  DecodeError,
  encodeMessage,
  RehearsalError,
  type Message,
} from '../../core/index.ts';
import {
  encodeMessageParts,
  jsonWithNonFinite,
  pyJsonStringify,
  toMessageData,
} from '../../core/message.ts';
import { makeEngine } from '../helpers/make-engine.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function msg(over: Partial<Message> = {}): Message {
  return {
    queueName: 'default',
    actorName: 'add',
    args: [1],
    kwargs: { y: 2 },
    options: {},
    messageId: 'de63f2c3-94c4-4d70-b3c2-4a880fb1dfc2',
    messageTimestamp: 1795537300171,
    ...over,
  };
}

/** The message as Python's json.dumps(..., separators=(",", ":")) writes it. */
const pythonWire = (inner: string): string =>
  `{"queue_name":"default","actor_name":"add","args":[${inner}],"kwargs":{"y":2},"options":{},"message_id":"de63f2c3-94c4-4d70-b3c2-4a880fb1dfc2","message_timestamp":1795537300171}`;

describe('message encoding (checklist 1)', () => {
  it('encodes to compact JSON with the seven keys in Dramatiq order, byte for byte', () => {
    expect(encodeMessage(msg())).toBe(pythonWire('1'));
  });

  it('gives a built message a lower-case UUID v4 id and an integer epoch-ms timestamp taken at build time', () => {
    const e = makeEngine();
    const add = actor((x: number, y: number) => x + y, { actorName: 'add', broker: e.broker });
    const m = add.message(1, 2);
    expect(m.messageId).toMatch(UUID_V4);
    expect(m.messageTimestamp).toBe(e.clock.now());
    expect(Number.isInteger(m.messageTimestamp)).toBe(true);
    const wire = JSON.parse(encodeMessage(m)) as Record<string, unknown>;
    expect(Object.keys(wire)).toEqual([
      'queue_name',
      'actor_name',
      'args',
      'kwargs',
      'options',
      'message_id',
      'message_timestamp',
    ]);
    expect(wire.message_timestamp).toBe(e.clock.now());
    expect(add.message(1, 2).messageId).not.toBe(m.messageId);
  });

  it('escapes every non-ASCII character as \\uXXXX, astral characters as a surrogate pair', () => {
    const text = encodeMessage(msg({ args: ['é€😀', '\u007f', 'tab\there\n', '\u0001'] }));
    expect(text).toBe(
      pythonWire('"\\u00e9\\u20ac\\ud83d\\ude00","\\u007f","tab\\there\\n","\\u0001"'),
    );
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
  });

  it('escapes non-ASCII keys and option values too, and decodes them back unchanged', () => {
    const m = msg({ kwargs: { naïve: 'ß' }, options: { tag: '日本' } });
    const text = encodeMessage(m);
    expect(text).toContain('"kwargs":{"na\\u00efve":"\\u00df"}');
    expect(text).toContain('"options":{"tag":"\\u65e5\\u672c"}');
    expect(decodeMessage(text)).toEqual(m);
  });

  it('writes non-finite numbers as the bare tokens NaN, Infinity and -Infinity and reads them back', () => {
    const m = msg({ args: [Number.NaN, Infinity, -Infinity, 'NaN', 'Infinity is far', 1.5] });
    const text = encodeMessage(m);
    expect(text).toBe(pythonWire('NaN,Infinity,-Infinity,"NaN","Infinity is far",1.5'));
    const back = decodeMessage(text);
    expect(back.args).toEqual([Number.NaN, Infinity, -Infinity, 'NaN', 'Infinity is far', 1.5]);
  });

  it('keeps null as null beside non-finite numbers, nested in kwargs and arrays', () => {
    const nested = msg({
      args: [null, [null, Number.NaN]],
      kwargs: { a: null, b: { c: [-Infinity, null] } },
    });
    const text = encodeMessage(nested);
    expect(text).toContain('"args":[null,[null,NaN]]');
    expect(text).toContain('"kwargs":{"a":null,"b":{"c":[-Infinity,null]}}');
    expect(decodeMessage(text)).toEqual(nested);
    // Only nulls: the same text as plain JSON.
    const nulls = msg({ args: [null], kwargs: { x: null } });
    expect(encodeMessage(nulls)).toContain('"args":[null],"kwargs":{"x":null}');
  });

  it('decodes strict JSON with raw UTF-8 as well as the escaped form', () => {
    const strict = pythonWire('"é😀"');
    expect(decodeMessage(strict).args).toEqual(['é😀']);
    expect(decodeMessage(encodeMessage(decodeMessage(strict)))).toEqual(decodeMessage(strict));
  });

  it('round-trips nested arguments, kwargs and options exactly', () => {
    const m = msg({
      args: [null, true, 0, -1, [1, [2, { a: 'b' }]], { k: [] }],
      kwargs: { z: 1, a: 2 },
      options: { max_retries: 3, custom: { nested: [1, 2] } },
    });
    const back = decodeMessage(encodeMessage(m));
    expect(back).toEqual(m);
    expect(Object.keys(back.kwargs)).toEqual(['z', 'a']);
  });
});

describe('message decoding errors', () => {
  function decodeError(text: string): DecodeError {
    try {
      decodeMessage(text);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      return err as DecodeError;
    }
    throw new Error('expected a DecodeError');
  }

  it('fails with DECODE_ERROR naming an unknown extra key', () => {
    const err = decodeError(pythonWire('1').replace('{"queue_name"', '{"bogus":1,"queue_name"'));
    expect(err.code).toBe('DECODE_ERROR');
    expect(err.message).toContain('bogus');
  });

  it.each(['queue_name', 'actor_name', 'args', 'kwargs', 'options'])(
    'fails with DECODE_ERROR naming the missing required field %s',
    (field) => {
      const data = JSON.parse(pythonWire('1')) as Record<string, unknown>;
      const without = Object.fromEntries(Object.entries(data).filter(([k]) => k !== field));
      const err = decodeError(JSON.stringify(without));
      expect(err.code).toBe('DECODE_ERROR');
      expect(err.message).toContain(field);
    },
  );

  it('fails with DECODE_ERROR on text that is not JSON or not an object', () => {
    expect(decodeError('{"queue_name":').code).toBe('DECODE_ERROR');
    expect(decodeError('[1,2]').code).toBe('DECODE_ERROR');
    expect(decodeError('"x"').code).toBe('DECODE_ERROR');
  });

  it('fails with DECODE_ERROR when a field has the wrong type', () => {
    const data = JSON.parse(pythonWire('1')) as Record<string, unknown>;
    data.args = 'not a list';
    expect(decodeError(JSON.stringify(data)).message).toContain('args');
  });

  it('gives a missing message_id and message_timestamp fresh values when a source is given', () => {
    const data = JSON.parse(pythonWire('1')) as Record<string, unknown>;
    delete data.message_id;
    delete data.message_timestamp;
    const m = decodeMessage(JSON.stringify(data), {
      id: () => '00000000-0000-4000-8000-000000000000',
      now: () => 42.9,
    });
    expect(m.messageId).toBe('00000000-0000-4000-8000-000000000000');
    expect(m.messageTimestamp).toBe(42);
  });

  it('refuses arguments that cannot be encoded as JSON, naming the bad value', () => {
    let caught: unknown;
    try {
      encodeMessage(msg({ args: [1, { when: new Date(0) }] }));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RehearsalError);
    expect((caught as RehearsalError).code).toBe('NOT_JSON_SERIALIZABLE');
    expect((caught as RehearsalError).message).toContain('args[1].when');
  });

  it('encodes by parts exactly as the whole message through one stringify: body and journal data', () => {
    const odd = [
      msg(),
      msg({ args: [], kwargs: {}, options: {} }),
      msg({ args: ['café', '☃', '😀'], kwargs: { naïve: 'ü' }, options: { note: 'é' } }),
      msg({ args: [Number.NaN, Infinity, -Infinity, null], kwargs: { a: [null, { b: NaN }] } }),
      msg({ args: [1e-7, 0.00001, -2.5e-9, 1.5, 1e21], options: { x: [1e-5] } }),
      msg({ args: ['\u0000nonfinite:NaN', 'quote " and \\ backslash'] }),
      msg({ kwargs: { kept: 1 }, options: { retries: 2, eta: 17 } }),
      msg({ queueName: 'q\u00e9.DQ', actorName: 'act_é', messageId: 'id-é-1e-5' }),
      msg({ messageTimestamp: 1.5 }),
      msg({ messageTimestamp: Number.NaN }),
      msg({ args: [[[[{ deep: [1, 'two', false, null] }]]]] }),
    ];
    for (const m of odd) {
      const parts = encodeMessageParts(m);
      expect(parts.body).toBe(pyJsonStringify(toMessageData(m), 'message'));
      expect(parts.data).toBe(
        jsonWithNonFinite({ args: m.args, kwargs: m.kwargs, options: m.options }),
      );
    }
  });

  it('names a bad value by its place in the message, or as a send does with the actor named', () => {
    const bad = msg({ options: { cb: () => 1 } });
    expect(() => encodeMessageParts(bad)).toThrow(/message\.options\.cb is a function/);
    const badArg = msg({ args: [1, new Map()] });
    expect(() => encodeMessageParts(badArg)).toThrow(/message\.args\[1\] is a Map/);
    expect(() => encodeMessageParts(badArg, true)).toThrow(/args of add\[1\] is a Map/);
    const badKw = msg({ kwargs: { n: 10n } });
    expect(() => encodeMessageParts(badKw, true)).toThrow(/kwargs of add\.n is a bigint/);
  });
});
