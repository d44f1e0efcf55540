# Two services side by side: orders_api is hardened and passes every check,
# the opt-in ones included (ecsguard scan --checks all); report_worker passes the
# five default checks but fails each hardening check once. The volume blocks are
# Terraform's own shape (a flat host_path, an efs_volume_configuration block);
# ecsguard reads them as the ECS API's host.sourcePath and efsVolumeConfiguration.

variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  account_id = "123456789012"
  registry   = "${local.account_id}.dkr.ecr.${var.region}.amazonaws.com"
}

resource "aws_ecs_task_definition" "orders_api" {
  family                   = "orders-api"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "512"
  memory                   = "1024"
  execution_role_arn       = "arn:aws:iam::${local.account_id}:role/orders-api-execution"
  task_role_arn            = "arn:aws:iam::${local.account_id}:role/orders-api-task"

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  container_definitions = jsonencode([
    {
      name                   = "api"
      image                  = "${local.registry}/orders-api:2.4.1"
      essential              = true
      user                   = "10001:10001"
      readonlyRootFilesystem = true
      linuxParameters = {
        capabilities       = { drop = ["ALL"] }
        initProcessEnabled = true
      }
      portMappings = [{ containerPort = 8080, protocol = "tcp" }]
      environment = [
        { name = "LOG_LEVEL", value = "info" },
        { name = "DB_PASSWORD_FILE", value = "/run/secrets/db-password" },
      ]
      secrets = [
        { name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:${var.region}:${local.account_id}:secret:orders/db-password-AbCdEf" },
      ]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp" },
        { sourceVolume = "uploads", containerPath = "/srv/uploads" },
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/orders-api"
          awslogs-region        = var.region
          awslogs-stream-prefix = "api"
        }
      }
    }
  ])

  volume {
    name = "tmp"
  }

  volume {
    name = "uploads"
    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  }
}

resource "aws_ecs_task_definition" "report_worker" {
  family                   = "report-worker"
  network_mode             = "bridge"
  pid_mode                 = "host"
  ipc_mode                 = "host"
  requires_compatibilities = ["EC2"]

  container_definitions = jsonencode([
    {
      name      = "worker"
      image     = "${local.registry}/report-worker:3.0.2"
      essential = true
      memory    = 1024
      user      = "1000:1000"
      linuxParameters = {
        capabilities = { add = ["SYS_PTRACE"] }
      }
      environment = [
        { name = "REPORT_BUCKET", value = "reports-${local.account_id}" },
        { name = "SMTP_PASSWORD", value = "example-only-not-a-real-password" },
      ]
      mountPoints = [
        { sourceVolume = "host-etc", containerPath = "/host/etc", readOnly = true },
        { sourceVolume = "archive", containerPath = "/archive" },
      ]
    }
  ])

  volume {
    name      = "host-etc"
    host_path = "/etc"
  }

  volume {
    name = "archive"
    efs_volume_configuration {
      file_system_id = "fs-0fedcba9876543210"
    }
  }
}
