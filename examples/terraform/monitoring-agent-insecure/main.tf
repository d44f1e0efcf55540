# A node-level monitoring agent written the way such agents often are: host
# networking, a privileged container running as root. ecsguard fails it on
# every check; the lines it points at are the ones to change.

variable "agent_version" {
  type    = string
  default = "7.52.0"
}

locals {
  log_group = "/ecs/monitoring-agent"
}

resource "aws_ecs_task_definition" "agent" {
  family                   = "monitoring-agent"
  network_mode             = "host"
  pid_mode                 = "host"
  requires_compatibilities = ["EC2"]

  container_definitions = jsonencode([
    {
      name       = "agent"
      image      = "public.ecr.aws/datadog/agent:${var.agent_version}"
      essential  = true
      memory     = 256
      privileged = true
      user       = "root"
      mountPoints = [
        { sourceVolume = "docker_sock", containerPath = "/var/run/docker.sock", readOnly = true }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = local.log_group
          awslogs-region        = "us-east-1"
          awslogs-stream-prefix = "agent"
        }
      }
    }
  ])

  volume {
    name      = "docker_sock"
    host_path = "/var/run/docker.sock"
  }
}
