// The API's calendar route: a currency's operating calendar as the store's
// scheme holds it (rules 3, set_calendars), open and closed days with hours and
// cut-offs in home time and UTC — what `calendar show --in-store` prints. Public
// to every role: hours are the scheme's, not any participant's data.

import * as R from './responses.js';
import { Type } from '@sinclair/typebox';
import { ApiError, fromPlatformError } from '../http/errors.js';
import { EVERY_ROLE } from '../http/roles.js';
import { PlatformError } from '../platform/errors.js';
import { route, type RouteDef } from './route.js';
import { Currency } from './schemas.js';

const DATE = { pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' };
const CalendarParams = Type.Object({ currency: Currency }, { additionalProperties: false });
const CalendarQuery = Type.Object({ from: Type.String(DATE), to: Type.String(DATE) }, { additionalProperties: false });

export const CALENDAR_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/calendars/:currency',
    operationId: 'getCalendar',
    tag: 'settlement',
    summary:
      "A currency's open and closed days from..to (inclusive, at most 400 days), with hours and cut-offs in its home zone and UTC (404 when the store has no calendar for it)",
    roles: EVERY_ROLE,
    params: CalendarParams,
    query: CalendarQuery,
    responses: { 200: R.CalendarDays },
    handler: (ctx) => {
      const { currency } = ctx.params;
      const { from, to } = ctx.query;
      let days: ReturnType<typeof ctx.platform.calendarDays>;
      try {
        days = ctx.platform.calendarDays(currency, from, to);
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
        // The platform names its own argument; the caller sent it as a path or query member.
        const e = fromPlatformError(err);
        throw new ApiError(e.status, e.code, e.message, err.field === 'currency' ? 'params.currency' : `query.${err.field}`);
      }
      return { status: 200, body: { currency, from, to, days }, plain: true };
    },
  }),
];
