#pragma once
// The Pipedrive list endpoints, one function per paging style. Auth and limits are applied
// around them by guarded() (pipedrive_http.hpp).

#include "tests/fake/pipedrive_dataset.hpp"

#include <httplib.h>

namespace crm_fake::pipedrive {

// GET /api/v2/{persons,organizations,deals,activities,pipelines,stages}: cursor paging.
void serve_v2_list(const Dataset& dataset, RecordType type, const httplib::Request& req, httplib::Response& res);

// GET /v1/{persons,organizations,deals,pipelines,stages,notes,users}: start/limit paging.
void serve_v1_list(const Dataset& dataset, RecordType type, const httplib::Request& req, httplib::Response& res);

// GET /v1/users/me
void serve_current_user(const Dataset& dataset, httplib::Response& res);

}  // namespace crm_fake::pipedrive
