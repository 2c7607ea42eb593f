#pragma once
// HubSpot's CRM v3 pages that take more than one request (see PagePlanner in provider.hpp).
#include <memory>
#include <string>

#include "providers/provider.hpp"

namespace crmexport::providers::hubspot {

// contacts, companies, deals, notes: every property (or --fields) on the page's one request when
// they fit in its URL or search body, else through batch/read; --since through search, past its
// 10,000-result cap.
std::shared_ptr<const PagePlanner> objects_planner(std::string object_type, std::string modified_property);
// Deal pipelines, or their stages flattened (each stage carries its "pipelineId").
std::shared_ptr<const PagePlanner> pipelines_planner(bool stages);

}  // namespace crmexport::providers::hubspot
