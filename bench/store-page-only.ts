/**
 * The store's read of a 100-user page alone (bench/lib/store-page-cost.ts), in a process of its
 * own, on a database seeded and walked earlier; prints the result as JSON:
 *
 *   node --import tsx bench/store-page-only.ts sqlite:.bench/users-1m.db CUSTOMER_ID .bench/tokens-sqlite.txt
 */
import { readFileSync } from 'node:fs';
import { storePageCost } from './lib/store-page-cost.js';

const [database, customerId, tokensFile] = process.argv.slice(2);
if (!database || !customerId || !tokensFile) throw new Error('usage: store-page-only.ts DATABASE CUSTOMER_ID TOKENS_FILE');
const tokens = readFileSync(tokensFile, 'utf8').split('\n').filter(Boolean);
process.stdout.write(JSON.stringify(await storePageCost(database, customerId, tokens)));
