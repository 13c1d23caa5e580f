#pragma once
// Roles and the apim:* scopes they may hold. A token carries the scopes that were both requested
// and allowed by its user's roles; a management call needs its scope (with a token) or one of its
// roles (with Basic credentials).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace archway::identity {

inline constexpr std::string_view kScopeApiView = "apim:api_view";
inline constexpr std::string_view kScopeApiCreate = "apim:api_create";
inline constexpr std::string_view kScopeApiPublish = "apim:api_publish";
// Project export and import (GET /apis/export, POST /apis/import); api_view also exports and
// api_create also imports, as in the product.
inline constexpr std::string_view kScopeApiImportExport = "apim:api_import_export";
inline constexpr std::string_view kScopeAppImportExport = "apim:app_import_export";
inline constexpr std::string_view kScopeSubscribe = "apim:subscribe";
inline constexpr std::string_view kScopeAdmin = "apim:admin";
// Shared scopes (the Publisher's /scopes) and the management scope mapping (the Admin's /system-scopes).
inline constexpr std::string_view kScopeSharedScopeManage = "apim:shared_scope_manage";
inline constexpr std::string_view kScopeScopeManage = "apim:scope_manage";
// Writing comments on APIs in the Publisher (the DevPortal's comments need apim:subscribe).
inline constexpr std::string_view kScopeCommentWrite = "apim:comment_write";
// Every management (system) scope, in the order the Admin API lists them.
const std::vector<std::string_view>& system_scope_names();
// A role id in a path (/roles/{roleId}) or a scope name (/scopes/{name}, /system-scopes/{name}):
// base64url (or base64) of the name, padding optional; nullopt when not decodable.
std::optional<std::string> decode_name_id(std::string_view id);
// A role name as the product spells it ("Internal/creator") or as Archway does ("creator"), as
// Archway's role; nullopt for a role that does not exist.
std::optional<std::string> known_role_named(std::string_view name);
inline constexpr std::string_view kScopeServiceView = "service_catalog:service_view";
inline constexpr std::string_view kScopeServiceWrite = "service_catalog:service_write";

bool is_known_role(std::string_view role);
const std::vector<std::string_view>& known_roles();
// The apim:* scopes the roles allow.
std::vector<std::string> scopes_for_roles(const std::vector<std::string>& roles);
// Space-separated `requested` scopes filtered to what `roles` allow; "default" when nothing is left.
// `extra_allowed` are further scopes the caller may hold (API scopes whose role bindings match).
std::string grant_scopes(std::string_view requested, const std::vector<std::string>& roles,
                         const std::vector<std::string>& extra_allowed = {});

}  // namespace archway::identity
