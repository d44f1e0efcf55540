# Security Hub ECS.4's remediation as a reusable module called twice: awsvpc, a non-root
# user, privileged off. ecsguard reports module.web.… and module.admin.… and
# passes both.

module "web" {
  source          = "./modules/service"
  name            = "web"
  container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2"
}

module "admin" {
  source          = "./modules/service"
  name            = "admin"
  container_image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/admin:2.0.0"
  container_user  = "2000:2000"
}
