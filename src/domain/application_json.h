#pragma once
// JSON shape of an application in the WSO2 API Manager 4.x REST APIs (the DevPortal's and the
// Admin's Application / ApplicationInfo).
#include <boost/json.hpp>
#include <cstdint>

#include "domain/application.h"

namespace archway::domain {

boost::json::object application_to_json(const Application& a, std::int64_t subscription_count);

}  // namespace archway::domain
