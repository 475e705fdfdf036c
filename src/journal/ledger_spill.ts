// Where the durable ledger's state machine keeps the transfers it no longer needs
// at hand. Owns: the transfer spill's settings and the file behind it. The ledger
// (ledger/transfer_log.ts) decides what to spill and reads it back; this module
// gives it a spill file (store/spill_file.ts), so the ledger itself does no I/O.
//
// Settings: SCO_SETTLE_LEDGER_SPILL=0 keeps every transfer in memory;
// SCO_SETTLE_LEDGER_SPILL_DIR names the file's folder (default: the system's
// temporary folder); SCO_SETTLE_LEDGER_SPILL_MAX_BYTES bounds it (a refused write
// keeps later transfers in memory, with a warning naming the limit).

import type { TransferSpill } from '../ledger/transfer_log.js';
import { SpillFile, spillSettings } from '../store/spill_file.js';

/** Transfers kept in memory: two full 4 MiB chunks (65,536 records) and the one being filled. */
export const LEDGER_RESIDENT_TRANSFERS = 65_536;

/** The spill for a durable ledger's state machine, or undefined when SCO_SETTLE_LEDGER_SPILL=0. */
export function ledgerSpill(): TransferSpill | undefined {
  const settings = spillSettings('LEDGER', 'sco-settle-transfers', Number.MAX_SAFE_INTEGER);
  if (!settings.enabled) return undefined;
  return {
    resident_records_max: LEDGER_RESIDENT_TRANSFERS,
    open: () => SpillFile.create(settings.place),
    refused: (message) => process.emitWarning(message),
  };
}
