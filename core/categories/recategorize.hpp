#pragma once

// Recomputes campaign_categories from ad_campaigns, the rules and category_overrides. Cheap
// (one row per campaign, never per day), so a changed rule or override is applied to everything
// already synced without a re-sync.

#include <cstdint>
#include <string>
#include <string_view>

#include "categories/rules.hpp"

namespace soci {
class session;
}

namespace connhost::categories {

struct RecategorizeResult {
  int64_t campaigns = 0;
  int64_t by_override = 0;
  int64_t by_rule = 0;
  int64_t by_fallback = 0;
};

// For one platform, or every platform when `platform` is empty. One transaction: readers see the
// old categories or the new ones, never a mix. The session must not be inside a transaction.
// An override (platform, campaign_id) wins over the rules (source 'override'); else the first
// matching rule ('rule'); else "Uncategorized" ('fallback'). campaign_type is the override's or
// the rule's, else NULL so the views fall back to the objective.
RecategorizeResult recategorize(soci::session& sql, const Rules& rules,
                                std::string_view platform = "");

struct Override {
  std::string platform, campaign_id, category;
  std::string campaign_type;  // empty: none
  std::string updated_at;
};

// category_overrides, edited. They do not recategorize: call recategorize afterwards.
void set_override(soci::session& sql, const Override& o);
bool delete_override(soci::session& sql, std::string_view platform, std::string_view campaign_id);
std::vector<Override> list_overrides(soci::session& sql);

}  // namespace connhost::categories
