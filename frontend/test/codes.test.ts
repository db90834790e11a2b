import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  buildClipboardText,
  buildCodesFileText,
  codesFileName,
  fileDate,
  formatBackupCode,
  isPlausibleBackupCode,
  isValidTotp,
  normaliseBackupCode,
  normaliseTotp,
} from '../src/codes.js';
import { inLanguage } from './support/language.js';

describe('backup code input', () => {
  it('normalises case, spaces and dashes away', () => {
    assert.equal(normaliseBackupCode('abcd-efgh-jklm-npqr'), 'ABCDEFGHJKLMNPQR');
    assert.equal(normaliseBackupCode('  abcd efgh\tjklm  npqr '), 'ABCDEFGHJKLMNPQR');
    assert.equal(normaliseBackupCode('ABCD–EFGH—JKLM'), 'ABCDEFGHJKLM');
  });

  it('accepts letters and digits only', () => {
    assert.ok(isPlausibleBackupCode('abcd-efgh-jklm-npqr'));
    assert.ok(isPlausibleBackupCode('2345 6789'));
    assert.ok(!isPlausibleBackupCode(''));
    assert.ok(!isPlausibleBackupCode(' - - '));
    assert.ok(!isPlausibleBackupCode('abcd!efgh'));
  });
});

describe('TOTP input', () => {
  it('accepts exactly six digits, spaces ignored', () => {
    assert.ok(isValidTotp('123456'));
    assert.ok(isValidTotp('123 456'));
    assert.equal(normaliseTotp(' 123 456 '), '123456');
    assert.ok(!isValidTotp('12345'));
    assert.ok(!isValidTotp('1234567'));
    assert.ok(!isValidTotp('12a456'));
  });
});

describe('formatBackupCode', () => {
  it('groups a bare code by four', () => {
    assert.equal(formatBackupCode('abcdefghjklmnpqr'), 'ABCD-EFGH-JKLM-NPQR');
    assert.equal(formatBackupCode('ABCDEFGHJK'), 'ABCD-EFGH-JK');
  });
  it('keeps the grouping the server chose', () => {
    assert.equal(formatBackupCode('ABCDE-FGHJK'), 'ABCDE-FGHJK');
    assert.equal(formatBackupCode('abcd efgh'), 'ABCD-EFGH');
  });
});

describe('the downloaded file', () => {
  const created = new Date('2025-03-12T10:04:59Z');

  it('is named after tenant and user, safely', () => {
    assert.equal(codesFileName('acme', 'alice'), 'backup-codes-acme-alice.txt');
    assert.equal(codesFileName('acme', 'alice@example.com'), 'backup-codes-acme-alice@example.com.txt');
    assert.equal(codesFileName('a/b', '../x y'), 'backup-codes-a_b-x_y.txt');
    assert.equal(codesFileName('acme', ''), 'backup-codes-acme-user.txt');
  });

  it('dates in UTC, the same in every locale', () => {
    assert.equal(fileDate(created), '2025-03-12 10:04 UTC');
  });

  it('has a header with organisation, user and date, then one code a line', () => {
    const text = buildCodesFileText({
      tenant: 'acme',
      tenantName: 'Acme Corp.',
      username: 'alice',
      created,
      codes: ['ABCD-EFGH-JKLM-NPQR', 'STUV-WXYZ-2345-6789'],
    });
    assert.equal(
      text,
      [
        'Backup codes',
        'Organisation: Acme Corp. (acme)',
        'User: alice',
        'Created: 2025-03-12 10:04 UTC',
        'Each code can be used only once. Keep this file somewhere safe.',
        '',
        'ABCD-EFGH-JKLM-NPQR',
        'STUV-WXYZ-2345-6789',
        '',
      ].join('\n'),
    );
  });

  it('names the organisation once when it has no name of its own', () => {
    const text = buildCodesFileText({ tenant: 'acme', tenantName: 'acme', username: 'alice', created, codes: ['ABCD'] });
    assert.match(text, /^Organisation: acme$/m);
  });

  it('is written in the page\'s language, its date still unambiguous', () => {
    const text = inLanguage('es', () =>
      buildCodesFileText({ tenant: 'acme', tenantName: 'Acme Corp.', username: 'alice', created, codes: ['ABCD'] }),
    );
    assert.equal(
      text.split('\n').slice(0, 5).join('\n'),
      [
        'Códigos de respaldo',
        'Organización: Acme Corp. (acme)',
        'Usuario: alice',
        'Creados: 2025-03-12 10:04 UTC',
        'Cada código solo se puede usar una vez. Guarde este archivo en un lugar seguro.',
      ].join('\n'),
    );
    assert.equal(inLanguage('es', () => codesFileName('acme', 'alice')), 'codigos-de-respaldo-acme-alice.txt');
  });

  it('copies the codes alone, one a line', () => {
    assert.equal(buildClipboardText(['ABCD-EFGH', 'jklmnpqr']), 'ABCD-EFGH\nJKLM-NPQR');
  });
});
