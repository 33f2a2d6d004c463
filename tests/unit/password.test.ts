import { expect } from 'chai';
import { ValidationError } from '../../src/errors.ts';
import { hashPassword, verifyPassword } from '../../src/identity/password.ts';

describe('password hashing (scrypt)', () => {
  it('round trip: a hash verifies with the password it was made from', async () => {
    // Given a hashed password
    const stored = await hashPassword('Geheim-123!');
    // When it is verified with the same password
    const ok = await verifyPassword('Geheim-123!', stored);
    // Then it matches
    expect(ok).to.equal(true);
  });

  it('a wrong password does not verify', async () => {
    // Given a hashed password
    const stored = await hashPassword('Geheim-123!');
    // When verified with other passwords
    // Then none matches
    expect(await verifyPassword('geheim-123!', stored)).to.equal(false);
    expect(await verifyPassword('Geheim-123', stored)).to.equal(false);
    expect(await verifyPassword('', stored)).to.equal(false);
  });

  it('uses the format scrypt$N$r$p$saltB64$hashB64 with N=16384, r=8, p=1, 16-byte salt, 64-byte key', async () => {
    // Given / When a password is hashed
    const stored = await hashPassword('Ä-Umlaut-Passwort ✓');
    // Then the stored form carries the parameters, salt and key
    const parts = stored.split('$');
    expect(parts).to.have.length(6);
    expect(parts.slice(0, 4)).to.deep.equal(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).to.have.length(16);
    expect(Buffer.from(parts[5]!, 'base64')).to.have.length(64);
    // And it contains nothing of the password
    expect(stored).to.not.include('Umlaut');
    expect(await verifyPassword('Ä-Umlaut-Passwort ✓', stored)).to.equal(true);
  });

  it('two hashes of the same password differ (random salt) and both verify', async () => {
    // Given the same password hashed twice
    const a = await hashPassword('same-password');
    const b = await hashPassword('same-password');
    // Then the hashes differ
    expect(a).to.not.equal(b);
    // And both verify
    expect(await verifyPassword('same-password', a)).to.equal(true);
    expect(await verifyPassword('same-password', b)).to.equal(true);
  });

  it('rejects empty passwords and passwords over 1024 characters with ValidationError', async () => {
    // When hashing unacceptable passwords
    // Then a ValidationError (400) is thrown
    for (const bad of ['', 'x'.repeat(1025)]) {
      let error: unknown;
      try {
        await hashPassword(bad);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).status).to.equal(400);
    }
    // And exactly 1024 characters is fine
    const stored = await hashPassword('y'.repeat(1024));
    expect(await verifyPassword('y'.repeat(1024), stored)).to.equal(true);
  });

  it('verifying against a malformed or tampered stored hash gives false instead of throwing', async () => {
    // Given malformed stored values
    const good = await hashPassword('pw');
    const parts = good.split('$');
    const tampered = [
      'not-a-hash',
      'bcrypt$10$abc',
      ['scrypt', '16385', '8', '1', parts[4], parts[5]].join('$'), // N not a power of two
      ['scrypt', String(1 << 30), '8', '1', parts[4], parts[5]].join('$'), // N too large
      ['scrypt', '16384', '8', '1', parts[4], 'AAAA'].join('$'), // key too short
    ];
    // Then each verifies as false
    for (const stored of tampered) expect(await verifyPassword('pw', stored)).to.equal(false);
  });
});
