#pragma once
// The admin routes every row gets (loopback tests only, no auth), the shape Pipedrive's began:
//   POST /_admin/PROVIDER/TYPE/add          -> {"success":true,"id":N}, created and updated now
//   POST /_admin/PROVIDER/TYPE/ID/modify    -> the record updated now (its JSON changes)
//   POST /_admin/PROVIDER/TYPE/ID/delete    -> deleted as the row's Deletion says
//   POST /_admin/PROVIDER/dump (body: DIR)  -> the current dataset, as --dump writes it
// TYPE is the row's name (crmexport's type name). Send bodies with a Content-Length: httplib 0.11
// waits forever for a POST body without one.

#include "tests/fake/object_store.hpp"

#include <functional>

namespace httplib {
class Server;
}

namespace crm_fake::table {

void register_admin_routes(httplib::Server& server, Provider provider, Store& store,
                           std::function<void(const std::filesystem::path&)> dump);

}  // namespace crm_fake::table
