#pragma once

// How a world campaign's state reads in TikTok's status vocabularies: operation_status and
// secondary_status on campaign/get (notes §1.6), and the STATUS_* values of the primary-status
// and report filters (notes §1.6, §1.8: STATUS_ALL to include deleted objects).

#include <string>
#include <string_view>

#include "tiktok/wire.hpp"
#include "world/world.hpp"

namespace connhost::sandbox::tiktok {

inline const char* operation_status(const Campaign& c) {
  switch (c.state) {
    case CampaignState::active:
      return "ENABLE";
    case CampaignState::paused:
      return "DISABLE";
    case CampaignState::deleted:
      return "DELETE";
  }
  return "ENABLE";
}

inline const char* secondary_status(const Campaign& c) {
  switch (c.state) {
    case CampaignState::active:
      return "CAMPAIGN_STATUS_ENABLE";
    case CampaignState::paused:
      return "CAMPAIGN_STATUS_DISABLE";
    case CampaignState::deleted:
      return "CAMPAIGN_STATUS_DELETE";
  }
  return "CAMPAIGN_STATUS_ENABLE";
}

inline bool known_secondary_status(std::string_view s) {
  static const char* known[] = {"CAMPAIGN_STATUS_ALL",
                                "CAMPAIGN_STATUS_NOT_DELETE",
                                "CAMPAIGN_STATUS_ENABLE",
                                "CAMPAIGN_STATUS_DISABLE",
                                "CAMPAIGN_STATUS_DELETE",
                                "CAMPAIGN_STATUS_BUDGET_EXCEED",
                                "CAMPAIGN_STATUS_ADVERTISER_AUDIT_DENY",
                                "CAMPAIGN_STATUS_ADVERTISER_AUDIT",
                                "ADVERTISER_CONTRACT_PENDING",
                                "ADVERTISER_ACCOUNT_PUNISH"};
  for (const char* k : known)
    if (s == k) return true;
  return false;
}

// Statuses the sandbox's campaigns never have (budget exceeded, audit...) match nothing.
inline bool secondary_status_matches(std::string_view filter, const Campaign& c) {
  if (filter == "CAMPAIGN_STATUS_ALL") return true;
  if (filter == "CAMPAIGN_STATUS_NOT_DELETE") return c.state != CampaignState::deleted;
  return filter == secondary_status(c);
}

// STATUS_* values of primary_status and of the report's status filter.
inline bool status_matches(std::string_view filter, const Campaign& c, std::string_view field) {
  if (filter == "STATUS_ALL") return true;
  if (filter == "STATUS_NOT_DELETE") return c.state != CampaignState::deleted;
  if (filter == "STATUS_DELETE") return c.state == CampaignState::deleted;
  if (filter == "STATUS_DELIVERY_OK") return c.state == CampaignState::active;
  if (filter == "STATUS_DISABLE") return c.state == CampaignState::paused;
  throw ApiError{40002, std::string(field) + ": Invalid enum value " + std::string(filter) + "."};
}

inline bool primary_status_matches(std::string_view filter, const Campaign& c) {
  return status_matches(filter, c, "filtering.primary_status");
}

}  // namespace connhost::sandbox::tiktok
