#pragma once

// `GET /api/contacts.csv` and `connhost contacts export`: one row per contact and identity, RFC
// 4180 quoting, PII masked unless the reader may see it. Erased contacts are never exported.
//
// Columns, in this order (kCsvColumns):
//   contact_id, display_name, contact_status, created_at, updated_at,
//   identity_id, platform, platform_user_id, connection, identity_status, fetched_at,
//   avatar_url, follower_count, following_count, business_category, shop_url, region,
//   other_attributes
// A contact without identities is one row with the identity columns empty. The standard
// attributes have a column each; other_attributes is a JSON object of the rest (name -> value).
// Every field that holds a comma, a quote, CR or LF is quoted, its quotes doubled; lines end in
// CRLF (RFC 4180). Masked values are masked per attribute (contacts/masking.hpp), inside the JSON
// too.

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace soci {
class session;
}

namespace connhost::contacts {

inline constexpr std::array<std::string_view, 18> kCsvColumns = {
    "contact_id",  "display_name", "contact_status",   "created_at",      "updated_at",
    "identity_id", "platform",     "platform_user_id", "connection",      "identity_status",
    "fetched_at",  "avatar_url",   "follower_count",   "following_count", "business_category",
    "shop_url",    "region",       "other_attributes"};

// Writes the export in chunks through `out`, so that a large store is not held in memory.
void export_csv(soci::session& sql, bool with_pii,
                const std::function<void(std::string_view chunk)>& out);

// One field as RFC 4180 wants it: quoted when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view value);

}  // namespace connhost::contacts
