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
  bool overwrite = false;         // update the API (API product) of the same name and version
  bool rotate_revision = false;   // accepted as the product's; Archway keeps every revision
  bool import_apis = false;       // API products: import the APIs/ projects of APIs not on the server
};

struct ProjectImportResult {
  domain::Api api;
  bool created = false;  // false: an existing API was overwritten
  std::vector<domain::Deployment> deployments;  // from deployment_environments.yaml
};

class ProjectFiles;  // an archive's project folder (project_archive.cc)

class ProjectArchive {
 public:
  ProjectArchive(ApiService& apis, ApiService& products, OpenApiService& openapi, DocumentService& documents,
                 store::Store& store)
      : apis_(apis), products_(products), openapi_(openapi), documents_(documents), store_(store) {}

  // The API's project; without `preserve_status` api.yaml says lifeCycleStatus CREATED.
  ProjectExport export_api(const std::string& api_id, ProjectFormat format, bool preserve_status);
  // An API product's project: api_product.yaml (type api_product, data as GET /api-products/{id}
  // answers it), Docs/, Image/, deployment_environments.yaml, and APIs/<Name>-<Version>/ holding
  // the project of each API it bundles, as the product's CLI lays it out.
  ProjectExport export_product(const std::string& product_id, ProjectFormat format, bool preserve_status);

  // Creates (or with `overwrite` updates) an API from a project archive: its definition,
  // operations, policies, documents and thumbnail, in one store transaction after the whole
  // archive was checked, then deploys a revision to the archive's deployment environments.
  // 400 naming the entry and field for any bad input (not a zip, unsafe or oversized entries,
  // missing or wrong api.yaml, invalid definition, bad document); 409 when an API of the same
  // name and version exists and `overwrite` is false, or when its context is taken.
  ProjectImportResult import_api(std::string_view zip, const ProjectImportOptions& options,
                                 const domain::User& caller);
  // The same for an API product archive. Each API the product names (by name and version) must be
  // on the server, or with `import_apis` come from the archive's APIs/ folder: such APIs are
  // created first and removed again if the product cannot be imported after all.
  ProjectImportResult import_product(std::string_view zip, const ProjectImportOptions& options,
                                     const domain::User& caller);

  // The API (or API product) named `name` with `version`, if any.
  std::optional<domain::Api> find_api(const std::string& name, const std::string& version,
                                      ApiKind kind = ApiKind::kApi);

  static constexpr std::string_view kArchiveVersion = "v4.2.0";
  // The bounds an uploaded archive must keep once inflated.
  static archive::ZipLimits limits();

 private:
  struct Prepared;
  // Everything an import checks, for the project in `files`, without writing anything.
  Prepared prepare(const ProjectFiles& files, ApiKind kind, const ProjectImportOptions& options,
                   const domain::User& caller);
  // Writes a prepared import (one transaction) and deploys it.
  ProjectImportResult commit(Prepared prepared, ApiKind kind);
  // The entries of the project of `api` under `root` ("Pets-1.0.0/").
  std::vector<archive::ZipEntry> project_entries(const domain::Api& api, ApiKind kind, const std::string& root,
                                                 ProjectFormat format, bool preserve_status);
  ApiService& service(ApiKind kind) { return kind == ApiKind::kProduct ? products_ : apis_; }

  ApiService& apis_;
  ApiService& products_;
  OpenApiService& openapi_;
  DocumentService& documents_;
  store::Store& store_;
};

}  // namespace archway::publisher
