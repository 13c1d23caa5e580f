#pragma once
// API projects as zip archives in the layout of WSO2 API Manager 4.x and its CLI (apictl):
//
//   <Name>-<Version>/api.yaml                       {type: api, version: v4.2.0, data: <API DTO>}
//   <Name>-<Version>/Definitions/swagger.yaml        what GET /apis/{apiId}/swagger answers
//   <Name>-<Version>/Docs/<doc>/document.yaml       {type: document, version, data: <Document DTO>}
//   <Name>-<Version>/Docs/<doc>/<doc or file name>  inline / markdown text, or the uploaded file
//   <Name>-<Version>/Image/icon.<png|jpeg|gif|webp|svg>   the thumbnail
//   <Name>-<Version>/deployment_environments.yaml   {type: deployment_environments, data: [...]}
//
// (.json instead of .yaml with format JSON). Endpoint-security secrets are exported empty, as
// GET /apis/{apiId} answers them: an archive never carries a password or API key in clear.
// Throws common::ProblemError with the status the REST API answers.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/zip.h"
#include "domain/api.h"
#include "domain/user.h"
#include "publisher/api_service.h"
#include "publisher/document_service.h"
#include "publisher/openapi_service.h"
#include "store/store.h"

namespace archway::publisher {

enum class ProjectFormat { kYaml, kJson };

struct ProjectExport {
  std::string file_name;  // <Name>-<Version>.zip
  std::string zip;
};

struct ProjectImportOptions {
  bool preserve_provider = true;  // keep api.yaml's provider; else the caller becomes it
  bool overwrite = false;         // update the API of the same name and version
  bool rotate_revision = false;   // accepted as the product's; Archway keeps every revision
};

struct ProjectImportResult {
  domain::Api api;
  bool created = false;  // false: an existing API was overwritten
  std::vector<domain::Deployment> deployments;  // from deployment_environments.yaml
};

class ProjectArchive {
 public:
  ProjectArchive(ApiService& apis, OpenApiService& openapi, DocumentService& documents, store::Store& store)
      : apis_(apis), openapi_(openapi), documents_(documents), store_(store) {}

  // The API's project; without `preserve_status` api.yaml says lifeCycleStatus CREATED.
  ProjectExport export_api(const std::string& api_id, ProjectFormat format, bool preserve_status);

  // Creates (or with `overwrite` updates) an API from a project archive: its definition,
  // operations, policies, documents and thumbnail, in one store transaction after the whole
  // archive was checked, then deploys a revision to the archive's deployment environments.
  // 400 naming the entry and field for any bad input (not a zip, unsafe or oversized entries,
  // missing or wrong api.yaml, invalid definition, bad document); 409 when an API of the same
  // name and version exists and `overwrite` is false, or when its context is taken.
  ProjectImportResult import_api(std::string_view zip, const ProjectImportOptions& options,
                                 const domain::User& caller);

  // The API (not API product) named `name` with `version`, if any.
  std::optional<domain::Api> find_api(const std::string& name, const std::string& version);

  static constexpr std::string_view kArchiveVersion = "v4.2.0";
  // The bounds an uploaded archive must keep once inflated.
  static archive::ZipLimits limits();

 private:
  ApiService& apis_;
  OpenApiService& openapi_;
  DocumentService& documents_;
  store::Store& store_;
};

}  // namespace archway::publisher
