#!/usr/bin/env python3
"""Writes the synthetic infrastructure tree of docs/BENCHMARKS.md
("Declared identities"): N Terraform modules (main.tf, iam.tf) and N
Kubernetes manifest files (multi-document YAML), deterministic.

usage: scripts/declared-bench-tree.py OUT [N]   (N = 1000 -> 2,000 .tf, 2,000 .yaml)
"""
import os
import sys

TF_MAIN = '''terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }}
  }}
}}

variable "environment" {{
  type    = string
  default = "{env}"
}}

locals {{
  name = "svc{i}-${{var.environment}}"
  tags = {{
    Team        = "team{team}"
    Environment = var.environment
  }}
}}

resource "aws_s3_bucket" "data" {{
  bucket = "${{local.name}}-data"
  tags   = local.tags
}}

resource "aws_s3_bucket_versioning" "data" {{
  bucket = aws_s3_bucket.data.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_sqs_queue" "jobs" {{
  name                       = "${{local.name}}-jobs"
  visibility_timeout_seconds = 300
  tags                       = local.tags
}}

resource "aws_cloudwatch_log_group" "app" {{
  name              = "/svc{i}/${{var.environment}}"
  retention_in_days = 30
}}

output "bucket" {{
  value = aws_s3_bucket.data.bucket
}}
'''

TF_IAM = '''data "aws_iam_policy_document" "assume" {{
  statement {{
    actions = ["sts:AssumeRole"]
    principals {{
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_role" "task" {{
  name               = "svc{i}-task"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = local.tags
}}

resource "aws_iam_role_policy" "task" {{
  name = "svc{i}-data"
  role = aws_iam_role.task.id
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [
      {{
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"]
        Resource = "${{aws_s3_bucket.data.arn}}/*"
      }},
      {{
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"]
        Resource = aws_sqs_queue.jobs.arn
      }},
    ]
  }})
}}

resource "aws_iam_user" "ci" {{
  name = "svc{i}-ci"
  tags = local.tags
}}

resource "aws_iam_user_policy_attachment" "ci" {{
  user       = aws_iam_user.ci.name
  policy_arn = "{policy}"
}}

resource "google_service_account" "sync" {{
  account_id   = "svc{i}-sync"
  project      = "acme-{env}"
  display_name = "svc{i} sync"
}}

resource "google_project_iam_member" "sync" {{
  project = "acme-{env}"
  role    = "{role}"
  member  = "serviceAccount:${{google_service_account.sync.email}}"
}}
'''

K8S = '''apiVersion: v1
kind: ServiceAccount
metadata:
  name: svc{i}
  namespace: team{team}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: svc{i}-reader
  namespace: team{team}
rules:
  - apiGroups: [""]
    resources: ["configmaps", "secrets"]
    verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: svc{i}-reader
  namespace: team{team}
subjects:
  - kind: ServiceAccount
    name: svc{i}
    namespace: team{team}
roleRef:
  kind: Role
  name: svc{i}-reader
  apiGroup: rbac.authorization.k8s.io
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: svc{i}-config
  namespace: team{team}
data:
  LOG_LEVEL: info
  QUEUE_URL: https://sqs.eu-west-1.amazonaws.com/123456789012/svc{i}-jobs
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc{i}
  namespace: team{team}
  labels:
    app: svc{i}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: svc{i}
  template:
    metadata:
      labels:
        app: svc{i}
    spec:
      serviceAccountName: svc{i}
      automountServiceAccountToken: {automount}
      containers:
        - name: app
          image: registry.example.com/svc{i}:1.{i}.0
          ports:
            - containerPort: 8080
          envFrom:
            - configMapRef:
                name: svc{i}-config
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /healthz
              port: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: svc{i}
  namespace: team{team}
spec:
  selector:
    app: svc{i}
  ports:
    - port: 80
      targetPort: 8080
'''

POLICIES = [
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AdministratorAccess",
]
ROLES = ["roles/storage.objectViewer", "roles/pubsub.publisher", "roles/editor"]
ENVS = ["dev", "staging", "prod"]


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    for i in range(n):
        env = ENVS[i % 3]
        values = dict(i=i, env=env, team=i % 40, policy=POLICIES[i % 3], role=ROLES[i % 3],
                      automount="false" if i % 2 else "true")
        module = os.path.join(out, "terraform", "modules", f"svc{i}")
        os.makedirs(module, exist_ok=True)
        with open(os.path.join(module, "main.tf"), "w") as f:
            f.write(TF_MAIN.format(**values))
        with open(os.path.join(module, "iam.tf"), "w") as f:
            f.write(TF_IAM.format(**values))
        for part in range(2):
            chart = os.path.join(out, "k8s", f"team{i % 40}", f"svc{i}")
            os.makedirs(chart, exist_ok=True)
            values["i"] = f"{i}x{part}"
            with open(os.path.join(chart, f"manifest-{part}.yaml"), "w") as f:
                f.write(K8S.format(**values))
            values["i"] = i


if __name__ == "__main__":
    main()
