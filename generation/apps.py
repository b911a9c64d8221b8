from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        # Models load only once the registry is ready, hence the imports here (Django's way).
        from generation.models import Image
        from personas import busy
        from personas.models import Persona

        def images_in_progress(persona: Persona) -> bool:
            return Image.objects.filter(persona=persona).unfinished().exists()

        # Personas cannot import generation (the layers point down); they ask through personas.busy.
        busy.register(images_in_progress)
