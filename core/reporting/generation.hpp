#pragma once

// A cheap fingerprint of what the reports are computed from, for caching them: it changes when
// a run starts or ends or beats its heartbeat (so while a sync commits rows it changes at least
// every 30 s), when category rules or overrides change, and when FX rates are added. One query
// over small tables; campaign_daily itself is never scanned.

#include <string>

namespace soci {
class session;
}

namespace connhost::reporting {

std::string data_generation(soci::session& sql);

}  // namespace connhost::reporting
