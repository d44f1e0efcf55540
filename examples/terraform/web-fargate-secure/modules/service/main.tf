variable "name" {
  description = "Family and container name"
  type        = string
}

variable "container_image" {
  description = "Docker image for the container"
  type        = string
}

variable "container_user" {
  description = "uid:gid the container runs as"
  type        = string
  default     = "1000:1000"
}

variable "execution_role_arn" {
  description = "ARN of the ECS task execution role"
  type        = string
  default     = null
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = "256"
  memory                   = "512"
  execution_role_arn       = var.execution_role_arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  container_definitions = jsonencode([
    {
      name                   = var.name
      image                  = var.container_image
      essential              = true
      privileged             = false
      readonlyRootFilesystem = true
      user                   = var.container_user
      portMappings = [
        { containerPort = 8080, protocol = "tcp" }
      ]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/${var.name}"
          awslogs-region        = "us-east-1"
          awslogs-stream-prefix = var.name
        }
      }
    }
  ])

  tags = {
    Service = var.name
  }
}
