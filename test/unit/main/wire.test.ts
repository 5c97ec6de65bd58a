import { describe, expect, it } from 'vitest'
import { decodeJson, encodeJson } from '../../../src/shared/wire'

describe('encodeJson / decodeJson', () => {
  it('round-trips Uint8Array values anywhere in a message', () => {
    const msg = {
      t: 'call',
      input: { files: [{ name: 'a.png', data: Uint8Array.from([0, 1, 2, 254, 255]) }, { name: 'empty', data: new Uint8Array(0) }] },
      list: [new Uint8Array([7]), 'text', 3, null],
    }
    const text = encodeJson(msg)
    expect(JSON.parse(text).input.files[0].data).toEqual({ $bytes: 'AAEC/v8=' })
    const back = decodeJson(text) as typeof msg
    expect(back).toEqual(msg)
    expect(back.input.files[0].data).toBeInstanceOf(Uint8Array)
    expect(back.list[0]).toBeInstanceOf(Uint8Array)
  })

  it('encodes a Node Buffer as bytes, not as { type: "Buffer" }', () => {
    const text = encodeJson({ data: Buffer.from('hello') })
    expect(text).toBe('{"data":{"$bytes":"aGVsbG8="}}')
    expect(decodeJson(text)).toEqual({ data: new Uint8Array(Buffer.from('hello')) })
    expect(encodeJson(Buffer.from([1, 2]))).toBe('{"$bytes":"AQI="}')
  })

  it('encodes only the viewed part of a subarray', () => {
    const whole = Uint8Array.from([9, 9, 1, 2, 3, 9])
    expect(decodeJson(encodeJson({ b: whole.subarray(2, 5) }))).toEqual({ b: Uint8Array.from([1, 2, 3]) })
  })

  it('round-trips a large binary payload exactly', () => {
    const big = new Uint8Array(300_000)
    for (let i = 0; i < big.length; i++) big[i] = (i * 31) & 0xff
    const back = decodeJson(encodeJson({ big })) as { big: Uint8Array }
    expect(back.big.length).toBe(big.length)
    expect(Buffer.compare(Buffer.from(back.big), Buffer.from(big))).toBe(0)
  })

  it('leaves ordinary JSON alone, including objects that merely mention $bytes', () => {
    const plain = { a: 1, b: 'x', c: [true, null], d: { $bytes: 'AA==', other: 1 }, e: { $bytes: 5 } }
    expect(decodeJson(encodeJson(plain))).toEqual(plain)
  })

  it('throws on text that is not JSON', () => {
    expect(() => decodeJson('{not json')).toThrow(SyntaxError)
  })
})
