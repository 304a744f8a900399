//! Declared identities: Terraform, Terraform state, CloudFormation,
//! Kubernetes and GitHub Actions fixtures (written here) for each resource
//! type and risk reason, linking with leaked credentials, malformed files,
//! SARIF and the exit code.

use serde_json::Value;

use crate::common::{EXIT_CLEAN, EXIT_FINDINGS, FakeSecrets, Tree};

const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Identities of `keyhound inventory . -f inventory` in `tree`.
fn inventory(tree: &Tree) -> Vec<Value> {
    let run = tree.run(&["inventory", ".", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    run.json()["identities"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn codes(identity: &Value) -> Vec<String> {
    identity["risk"]["reasons"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The identity whose resources include `resource`.
#[track_caller]
fn by_resource<'a>(identities: &'a [Value], resource: &str) -> &'a Value {
    identities
        .iter()
        .find(|i| strings(&i["resources"]).iter().any(|r| r == resource))
        .unwrap_or_else(|| panic!("no identity declares {resource}: {identities:#?}"))
}

const TERRAFORM: &str = r#"
resource "aws_iam_user" "ci" {
  name = "ci-deployer"
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
resource "aws_iam_user_policy_attachment" "admin" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_policy" "everything" {
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
EOF
}
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  inline_policy {
    name   = "s3"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
  }
}
resource "aws_iam_role_policy_attachment" "app" {
  role       = aws_iam_role.app.name
  policy_arn = aws_iam_policy.everything.arn
}
resource "google_service_account" "sa" {
  account_id = "builder"
  project    = "proj"
}
resource "google_service_account_key" "k" {
  service_account_id = google_service_account.sa.name
}
resource "google_project_iam_member" "owner" {
  project = "proj"
  role    = "roles/owner"
  member  = "serviceAccount:${google_service_account.sa.email}"
}
resource "azuread_application" "app" {
  display_name = "ci-app"
}
resource "azuread_application_password" "p" {
  application_object_id = azuread_application.app.id
}
resource "github_repository_deploy_key" "deploy" {
  repository = "site"
  title      = "deploy"
  read_only  = false
}
resource "github_actions_secret" "key" {
  repository      = "site"
  secret_name     = "AWS_SECRET"
  plaintext_value = aws_iam_access_key.ci.secret
}
"#;

#[test]
fn terraform_resources_become_identities_with_permissions_trust_and_reasons() {
    let tree = Tree::new();
    tree.write("infra/main.tf", TERRAFORM);
    let found = inventory(&tree);

    let user = by_resource(&found, "aws_iam_user.ci");
    assert_eq!(user["kind"], "iam-user");
    assert_eq!(strings(&user["origins"]), ["declared"]);
    assert_eq!(user["principal"], "ci-deployer");
    // The access key and the CI secret holding it join their user.
    let resources = strings(&user["resources"]);
    assert!(
        resources.contains(&"aws_iam_access_key.ci".to_string()),
        "{user:#}"
    );
    assert!(
        resources.contains(&"github_actions_secret.key".to_string()),
        "{user:#}"
    );
    assert!(
        strings(&user["permissions"]).contains(&"managed policy AdministratorAccess".to_string())
    );
    let user_codes = codes(user);
    for code in [
        "broad-managed-policy",
        "long-lived-access-key",
        "cloud-key-in-ci-secret",
        "no-owner",
    ] {
        assert!(user_codes.contains(&code.to_string()), "{code}: {user:#}");
    }
    assert_eq!(user["locations"][0]["line"], 2);

    let role = by_resource(&found, "aws_iam_role.app");
    assert_eq!(role["kind"], "iam-role");
    assert_eq!(strings(&role["trust"]), ["AWS: *"]);
    let permissions = strings(&role["permissions"]);
    assert!(
        permissions.contains(&"Allow s3:* on *".to_string()),
        "{role:#}"
    );
    assert!(
        permissions.contains(&"Allow * on *".to_string()),
        "{role:#}"
    );
    let role_codes = codes(role);
    for code in [
        "public-trust",
        "wildcard-action",
        "service-wildcard-action",
        "wildcard-resource",
    ] {
        assert!(role_codes.contains(&code.to_string()), "{code}: {role:#}");
    }
    assert_eq!(role["risk"]["reasons"][0]["code"], "public-trust");

    let sa = by_resource(&found, "google_service_account.sa");
    assert_eq!(sa["kind"], "cloud-service-account");
    assert_eq!(sa["principal"], "builder@proj.iam.gserviceaccount.com");
    let sa_codes = codes(sa);
    assert!(sa_codes.contains(&"basic-role".to_string()), "{sa:#}");
    assert!(
        sa_codes.contains(&"long-lived-service-account-key".to_string()),
        "{sa:#}"
    );

    let app = by_resource(&found, "azuread_application.app");
    assert_eq!(app["kind"], "service-principal");
    assert!(codes(app).contains(&"no-end-date".to_string()), "{app:#}");

    let key = by_resource(&found, "github_repository_deploy_key.deploy");
    assert_eq!(key["kind"], "deploy-key");
    assert!(
        codes(key).contains(&"write-deploy-key".to_string()),
        "{key:#}"
    );
}

#[test]
fn cloudformation_yaml_with_short_form_tags_and_json() {
    let tree = Tree::new();
    tree.write(
        "cfn/stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Deployer:\n    Type: AWS::IAM::User\n    Properties:\n      ManagedPolicyArns:\n        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess'\n  DeployerKey:\n    Type: AWS::IAM::AccessKey\n    Properties:\n      UserName: !Ref Deployer\n  Open:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: sts:AssumeRole\n      Policies:\n        - PolicyName: all\n          PolicyDocument:\n            Statement:\n              - Effect: Allow\n                Action: '*'\n                Resource: !GetAtt Bucket.Arn\n",
    );
    tree.write(
        "cfn/stack.json",
        r#"{"Resources": {"Reader": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}}}}"#,
    );
    let found = inventory(&tree);
    let user = by_resource(&found, "Deployer");
    assert_eq!(user["kind"], "iam-user");
    assert!(
        strings(&user["resources"]).contains(&"DeployerKey".to_string()),
        "{user:#}"
    );
    let user_codes = codes(user);
    assert!(
        user_codes.contains(&"broad-managed-policy".to_string()),
        "{user:#}"
    );
    assert!(
        user_codes.contains(&"long-lived-access-key".to_string()),
        "{user:#}"
    );
    assert_eq!(user["locations"][0]["line"], 3);
    let open = by_resource(&found, "Open");
    assert!(
        codes(open).contains(&"public-trust".to_string()),
        "{open:#}"
    );
    assert!(
        codes(open).contains(&"wildcard-action".to_string()),
        "{open:#}"
    );
    let reader = by_resource(&found, "Reader");
    assert_eq!(strings(&reader["trust"]), ["Service: ec2.amazonaws.com"]);
    assert_eq!(codes(reader), ["no-owner"]);
}

#[test]
fn kubernetes_bindings_and_token_secrets_resolve_to_their_service_account() {
    let tree = Tree::new();
    tree.write(".github/CODEOWNERS", "/k8s/ @acme/platform\n");
    tree.write(
        "k8s/rbac.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: deployer-admin\nsubjects:\n  - kind: ServiceAccount\n    name: deployer\n    namespace: ci\nroleRef:\n  kind: ClusterRole\n  name: cluster-admin\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: deployer-token\n  namespace: ci\n  annotations:\n    kubernetes.io/service-account.name: deployer\ntype: kubernetes.io/service-account-token\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: all\n  namespace: apps\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"*\"]\n    verbs: [\"*\"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: runner-all\n  namespace: apps\nsubjects:\n  - kind: ServiceAccount\n    name: runner\nroleRef:\n  kind: Role\n  name: all\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: apps\nspec:\n  template:\n    spec:\n      serviceAccountName: runner\n      automountServiceAccountToken: false\n      containers: []\n",
    );
    let found = inventory(&tree);
    let deployer = by_resource(&found, "ServiceAccount ci/deployer");
    assert_eq!(deployer["kind"], "kubernetes-service-account");
    assert_eq!(deployer["principal"], "system:serviceaccount:ci:deployer");
    assert!(strings(&deployer["resources"]).contains(&"Secret ci/deployer-token".to_string()));
    let deployer_codes = codes(deployer);
    assert!(
        deployer_codes.contains(&"cluster-admin".to_string()),
        "{deployer:#}"
    );
    assert!(
        deployer_codes.contains(&"long-lived-service-account-token".to_string()),
        "{deployer:#}"
    );
    // Owned through CODEOWNERS: no NHI1.
    assert!(
        !deployer_codes.contains(&"no-owner".to_string()),
        "{deployer:#}"
    );

    let runner = by_resource(&found, "RoleBinding apps/runner-all");
    assert_eq!(runner["principal"], "system:serviceaccount:apps:runner");
    assert!(strings(&runner["resources"]).contains(&"Deployment apps/web".to_string()));
    assert_eq!(runner["attributes"]["automount_token"], false);
    let runner_codes = codes(runner);
    assert!(
        runner_codes.contains(&"rbac-wildcard-verbs".to_string()),
        "{runner:#}"
    );
    assert!(
        runner_codes.contains(&"rbac-wildcard-resources".to_string()),
        "{runner:#}"
    );
    assert!(
        strings(&runner["permissions"]).contains(&"* on *".to_string()),
        "{runner:#}"
    );
}

#[test]
fn workflows_static_cloud_secrets_default_permissions_and_pull_request_target() {
    let tree = Tree::new();
    tree.write(
        ".github/workflows/deploy.yml",
        "on: [push]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-access-key-id: ${{ secrets.AWS_KEY_ID }}\n          aws-secret-access-key: ${{ secrets.AWS_SECRET }}\n  oidc:\n    permissions:\n      id-token: write\n      contents: read\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          role-to-assume: arn:aws:iam::123456789012:role/deploy\n",
    );
    tree.write(
        ".github/workflows/pr.yml",
        "on:\n  pull_request_target:\npermissions: write-all\njobs:\n  label:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.BOT }}\n",
    );
    let found = inventory(&tree);
    let deploy = by_resource(&found, "deploy.yml#deploy");
    assert_eq!(deploy["kind"], "ci-job-token");
    let deploy_codes = codes(deploy);
    assert!(
        deploy_codes.contains(&"static-cloud-credentials-in-ci".to_string()),
        "{deploy:#}"
    );
    assert!(
        deploy_codes.contains(&"default-token-permissions".to_string()),
        "{deploy:#}"
    );
    let reason = deploy["risk"]["reasons"]
        .as_array()
        .and_then(|r| {
            r.iter()
                .find(|x| x["code"] == "static-cloud-credentials-in-ci")
        })
        .cloned()
        .unwrap_or_default();
    assert_eq!(reason["line"], 6, "{deploy:#}");
    let oidc = by_resource(&found, "deploy.yml#oidc");
    assert_eq!(codes(oidc), ["no-owner"]);
    assert_eq!(oidc["attributes"]["cloud_login"], "oidc");
    assert_eq!(
        strings(&oidc["trust"]),
        ["OIDC: arn:aws:iam::123456789012:role/deploy"]
    );
    let label = by_resource(&found, "pr.yml#label");
    let label_codes = codes(label);
    assert!(
        label_codes.contains(&"write-all-token".to_string()),
        "{label:#}"
    );
    assert!(
        label_codes.contains(&"pull-request-target-secrets".to_string()),
        "{label:#}"
    );
}

#[test]
fn least_privilege_declarations_trigger_no_reason_but_ownership() {
    let tree = Tree::new();
    tree.write("CODEOWNERS", "* @acme/infra\n");
    tree.write(
        "infra/main.tf",
        "resource \"aws_iam_role\" \"reader\" {\n  name = \"reader\"\n  assume_role_policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { Service = \"ec2.amazonaws.com\" } }] })\n  inline_policy {\n    name   = \"read\"\n    policy = jsonencode({ Statement = [{ Effect = \"Allow\", Action = [\"s3:GetObject\"], Resource = \"arn:aws:s3:::b/*\" }] })\n  }\n}\nresource \"azuread_application\" \"a\" {\n  display_name = \"a\"\n}\nresource \"azuread_application_password\" \"p\" {\n  application_object_id = azuread_application.a.id\n  end_date_relative     = \"720h\"\n}\n",
    );
    tree.write(
        ".github/workflows/ci.yml",
        "on: push\npermissions:\n  contents: read\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n",
    );
    tree.write(
        "k8s/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n",
    );
    let found = inventory(&tree);
    assert_eq!(found.len(), 4, "{found:#?}");
    for identity in &found {
        assert!(codes(identity).is_empty(), "{identity:#}");
        assert_eq!(identity["risk"]["score"], 0);
    }
}

#[test]
fn malformed_files_are_noted_and_the_scan_goes_on() {
    let tree = Tree::new();
    tree.write("infra/bad.tf", "resource \"aws_iam_user\" {\n");
    tree.write(
        "k8s/bad.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: [unclosed\n",
    );
    tree.write(
        "infra/good.tf",
        "resource \"aws_iam_user\" \"ok\" {\n  name = \"ok\"\n}\n",
    );
    let run = tree.run(&["scan", ".", "-f", "json"]);
    run.expect_code(EXIT_CLEAN);
    let report = run.json();
    let notes = strings(&report["notes"]);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("infra/bad.tf: Terraform not parsed")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("k8s/bad.yaml: YAML not parsed")),
        "{notes:?}"
    );
    let identities = report["identities"].as_array().cloned().unwrap_or_default();
    by_resource(&identities, "aws_iam_user.ok");
}

#[test]
fn declared_results_are_sarif_notes_and_fail_only_when_asked() {
    let tree = Tree::new();
    tree.write("infra/main.tf", TERRAFORM);
    tree.run(&["scan", "."]).expect_code(EXIT_CLEAN);
    tree.run(&["scan", ".", "--fail-on-declared", "high"])
        .expect_code(EXIT_FINDINGS);
    let run = tree.run(&["scan", ".", "-f", "sarif"]);
    run.expect_code(EXIT_CLEAN);
    let sarif = run.json();
    let results = sarif["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let trust = results
        .iter()
        .find(|r| r["ruleId"] == "keyhound.declared.public-trust")
        .cloned()
        .unwrap_or_default();
    assert_eq!(trust["level"], "warning", "{sarif:#}");
    // At the aws_iam_policy_document that lets "*" assume the role.
    assert_eq!(
        trust["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    assert!(
        results
            .iter()
            .all(|r| r["level"] == "note" || r["level"] == "warning")
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "keyhound.declared.long-lived-access-key")
    );
}

#[test]
fn a_leaked_key_joins_the_iam_user_its_terraform_state_names() {
    let mut fake = FakeSecrets::new(1001);
    let key_id = format!(
        "{}{}{}",
        ["AK", "IA"].concat(),
        fake.string(b"ABCDEFGH", 1),
        fake.string(UPPER_DIGITS, 15)
    );
    let secret = fake.string(BASE64, 40);
    let tree = Tree::new();
    tree.write("infra/main.tf", TERRAFORM);
    tree.write(
        "infra/terraform.tfstate",
        format!(
            "{{\"version\": 4, \"resources\": [\n {{\"mode\": \"managed\", \"type\": \"aws_iam_user\", \"name\": \"ci\", \"instances\": [{{\"attributes\": {{\"name\": \"ci-deployer\"}}}}]}},\n {{\"mode\": \"managed\", \"type\": \"aws_iam_access_key\", \"name\": \"ci\", \"instances\": [{{\"attributes\": {{\"id\": \"{key_id}\", \"user\": \"ci-deployer\"}}}}]}}\n]}}\n"
        ),
    );
    tree.write(
        "deploy/aws.env",
        format!("AWS_ACCESS_KEY_ID={key_id}\nAWS_SECRET_ACCESS_KEY={secret}\n"),
    );
    let found = inventory(&tree);
    let user = by_resource(&found, "aws_iam_user.ci");
    assert_eq!(
        strings(&user["origins"]),
        ["declared", "leaked"],
        "{user:#}"
    );
    assert_eq!(user["principal"], "ci-deployer");
    assert!(
        strings(&user["permissions"]).contains(&"managed policy AdministratorAccess".to_string())
    );
    let codes = codes(user);
    assert!(codes.contains(&"leaked".to_string()), "{user:#}");
    assert!(
        codes.contains(&"broad-managed-policy".to_string()),
        "{user:#}"
    );
    assert!(
        !user["findings"].as_array().is_none_or(Vec::is_empty),
        "{user:#}"
    );
    // No separate identity for the leaked key.
    assert!(
        !found.iter().any(|i| strings(&i["origins"]) == ["leaked"]),
        "{found:#?}"
    );
}

const HEX: &[u8] = b"0123456789abcdef";
const BASE64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A real RSA private key (PKCS#8 PEM) made by openssl, or `None` when
/// openssl is missing.
fn openssl_rsa_key(tree: &Tree) -> Option<String> {
    let made = std::process::Command::new("openssl")
        .current_dir(tree.path())
        .args([
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
        ])
        .args(["-out", "tmp-key.pem"])
        .output()
        .is_ok_and(|o| o.status.success());
    let pem = std::fs::read_to_string(tree.join("tmp-key.pem")).ok();
    let _ = std::fs::remove_file(tree.join("tmp-key.pem"));
    made.then_some(pem).flatten()
}

#[test]
fn a_gcp_key_file_joins_its_declared_service_account_with_its_roles() {
    let tree = Tree::new();
    let Some(pem) = openssl_rsa_key(&tree) else {
        eprintln!("openssl is not installed or failed: skipping the GCP key linking test");
        return;
    };
    let mut fake = FakeSecrets::new(1010);
    let key = serde_json::json!({
        "type": "service_account",
        "project_id": "acme-prod",
        "private_key_id": fake.string(HEX, 40),
        "private_key": pem,
        "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
        "client_id": "104472915530117384726",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token"
    });
    tree.write(
        "secrets/gcp-key.json",
        serde_json::to_string_pretty(&key).unwrap_or_default(),
    );
    tree.write(
        "infra/main.tf",
        "resource \"google_service_account\" \"deployer\" {\n  account_id   = \"deployer\"\n  project      = \"acme-prod\"\n  display_name = \"CI deployer\"\n}\nresource \"google_project_iam_member\" \"deployer_owner\" {\n  project = \"acme-prod\"\n  role    = \"roles/owner\"\n  member  = \"serviceAccount:${google_service_account.deployer.email}\"\n}\n",
    );
    let run = tree.run(&["inventory", ".", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    let found = run.json()["identities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // One identity: the account, its key file and the key file's private key.
    assert_eq!(found.len(), 1, "{found:#?}");
    let account = by_resource(&found, "google_service_account.deployer");
    assert_eq!(
        strings(&account["origins"]),
        ["declared", "leaked"],
        "{account:#}"
    );
    assert_eq!(account["kind"], "cloud-service-account");
    assert_eq!(
        account["principal"],
        "deployer@acme-prod.iam.gserviceaccount.com"
    );
    assert!(
        strings(&account["resources"])
            .contains(&"google_project_iam_member.deployer_owner".to_string()),
        "{account:#}"
    );
    assert!(
        strings(&account["permissions"]).contains(&"roles/owner on project acme-prod".to_string()),
        "{account:#}"
    );
    let rules = strings(&account["rules"]);
    assert!(
        rules.contains(&"gcp.service-account-key".to_string()),
        "{account:#}"
    );
    assert!(
        rules.iter().any(|r| r.starts_with("private-key.")),
        "{account:#}"
    );
    let reasons = account["risk"]["reasons"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let basic = reasons
        .iter()
        .find(|r| r["code"] == "basic-role")
        .unwrap_or_else(|| panic!("no basic-role reason: {account:#}"));
    assert_eq!(basic["nhi"], "NHI5");
    assert_eq!(basic["path"], "infra/main.tf");
    assert!(
        codes(account).contains(&"leaked".to_string()),
        "{account:#}"
    );
}

#[test]
fn a_kubernetes_token_joins_its_declared_service_account() {
    use base64::Engine;
    let segment =
        |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.as_bytes());
    let mut fake = FakeSecrets::new(1011);
    let token = format!(
        "{}.{}.{}",
        segment(r#"{"alg":"RS256","kid":"k1"}"#),
        segment(
            r#"{"iss":"https://kubernetes.default.svc","sub":"system:serviceaccount:ci:deployer","kubernetes.io":{"namespace":"ci","serviceaccount":{"name":"deployer"}}}"#
        ),
        fake.string(BASE64URL, 86)
    );
    let tree = Tree::new();
    tree.write(
        "k8s/serviceaccount.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: deployer-edit\n  namespace: ci\nsubjects:\n  - kind: ServiceAccount\n    name: deployer\n    namespace: ci\nroleRef:\n  kind: ClusterRole\n  name: edit\n",
    );
    tree.write(
        "deploy/kubeconfig",
        format!("apiVersion: v1\nkind: Config\nusers:\n  - name: deployer\n    user:\n      token: {token}\n"),
    );
    let run = tree.run(&["inventory", ".", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    let found = run.json()["identities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let account = by_resource(&found, "ServiceAccount ci/deployer");
    assert_eq!(
        strings(&account["origins"]),
        ["declared", "leaked"],
        "{account:#}"
    );
    assert_eq!(account["principal"], "system:serviceaccount:ci:deployer");
    assert!(
        strings(&account["resources"]).contains(&"RoleBinding ci/deployer-edit".to_string()),
        "{account:#}"
    );
    assert!(
        account["locations"]
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["path"] == "deploy/kubeconfig")),
        "{account:#}"
    );
    assert!(
        !found.iter().any(|i| strings(&i["origins"]) == ["leaked"]),
        "{found:#?}"
    );
}

#[test]
fn git_scans_declare_the_identities_of_head_owned_by_their_introducing_author() {
    use crate::git::{Repo, git_available};
    if !git_available() {
        return;
    }
    let mut repo = Repo::new();
    repo.write(
        "infra/main.tf",
        "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci-deployer\"\n}\n",
    );
    repo.write(
        "old/legacy.tf",
        "resource \"aws_iam_user\" \"legacy\" {\n  name = \"legacy\"\n}\n",
    );
    repo.commit("terraform", "Ada Ops");
    repo.write(
        "k8s/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n",
    );
    repo.git(&["rm", "-q", "old/legacy.tf"]);
    repo.commit("manifests", "Bo Ops");
    repo.write(
        "infra/main.tf",
        "resource \"aws_iam_user\" \"ci\" {\n  name = \"ci-deployer\"\n}\nresource \"aws_iam_access_key\" \"ci\" {\n  user = aws_iam_user.ci.name\n}\n",
    );
    let head = repo.commit("access key", "Cy Ops");
    let run = crate::common::run_in(repo.path(), &["inventory", "--git", ".", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    let found = run.json()["identities"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // Only what HEAD declares: the deleted file's user is not an identity.
    assert_eq!(found.len(), 2, "{found:#?}");
    let user = by_resource(&found, "aws_iam_user.ci");
    assert_eq!(strings(&user["origins"]), ["declared"]);
    assert_eq!(user["owners"][0]["name"], "Cy Ops <cy.ops@example.test>");
    assert_eq!(user["owners"][0]["source"], "commit-author");
    assert_eq!(user["locations"][0]["commit"], head.as_str());
    assert_eq!(user["locations"][0]["repository"], ".");
    assert!(codes(user).contains(&"long-lived-access-key".to_string()));
    assert!(!codes(user).contains(&"no-owner".to_string()), "{user:#}");
    let account = by_resource(&found, "ServiceAccount ci/deployer");
    assert_eq!(account["owners"][0]["name"], "Bo Ops <bo.ops@example.test>");

    let off = crate::common::run_in(
        repo.path(),
        &[
            "inventory",
            "--git",
            ".",
            "--no-declared",
            "-f",
            "inventory",
        ],
    );
    off.expect_code(EXIT_CLEAN);
    assert_eq!(off.json()["identities"], serde_json::json!([]));
}

#[test]
fn no_declared_turns_discovery_off_on_paths() {
    let tree = Tree::new();
    tree.write("infra/main.tf", TERRAFORM);
    let run = tree.run(&["inventory", ".", "--no-declared", "-f", "inventory"]);
    run.expect_code(EXIT_CLEAN);
    assert_eq!(run.json()["identities"], serde_json::json!([]));
}

#[test]
fn table_and_csv_show_declared_kinds_origins_permissions_and_trust() {
    let tree = Tree::new();
    tree.write("infra/main.tf", TERRAFORM);
    tree.write(
        "k8s/sa.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: deployer\n  namespace: ci\n",
    );
    let table = tree.run(&["inventory", "."]);
    table.expect_code(EXIT_CLEAN);
    let header = table.stdout.lines().next().unwrap_or_default().to_string();
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("kubernetes-service-account"))
        .unwrap_or_else(|| panic!("no service account row:\n{}", table.stdout))
        .to_string();
    // The KIND column fits the longest kind: PROVIDER starts where it does in the header.
    let column = header.find("PROVIDER").unwrap_or(0);
    assert_eq!(
        row.find(" kubernetes ").map(|at| at + 1),
        Some(column),
        "{}",
        table.stdout
    );

    let csv = tree.run(&["inventory", ".", "-f", "csv"]);
    csv.expect_code(EXIT_CLEAN);
    let mut reader = csv::Reader::from_reader(csv.stdout.as_bytes());
    let headers = reader.headers().cloned().unwrap_or_default();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name} column: {headers:?}"))
    };
    let (origins, permissions, trust, kind) = (
        column("origins"),
        column("permissions"),
        column("trust"),
        column("credential_type"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().filter_map(Result::ok).collect();
    let role = rows
        .iter()
        .find(|r| r.get(kind) == Some("aws_iam_role"))
        .unwrap_or_else(|| panic!("no role row: {rows:?}"));
    assert_eq!(role.get(origins), Some("declared"));
    assert!(
        role.get(permissions).is_some_and(|p| p.contains("s3:*")),
        "{role:?}"
    );
    assert_eq!(role.get(trust), Some("AWS: *"), "{role:?}");
}
